/**
 * The JSON form of a `@grafana/schema` type: string enums (ThresholdsMode, MappingType, ...)
 * become the string literals they serialize to, so a plain JSON literal can be checked with
 * `satisfies DashboardJson`. Numeric enums accept their numeric literals already.
 */
import type { Dashboard, Panel, RowPanel, VariableModel } from '@grafana/schema';

export type JsonOf<T> = T extends string
  ? `${T}`
  : T extends number | boolean | null | undefined
    ? T
    : T extends ReadonlyArray<infer E>
      ? Array<JsonOf<E>>
      : T extends object
        ? { [K in keyof T]: JsonOf<T[K]> }
        : T;

export type DashboardJson = JsonOf<Dashboard>;
export type PanelJson = JsonOf<Panel>;
export type RowPanelJson = JsonOf<RowPanel>;
export type VariableJson = JsonOf<VariableModel>;
