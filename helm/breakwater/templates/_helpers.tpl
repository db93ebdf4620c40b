{{/* Chart name. */}}
{{- define "breakwater.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name. */}}
{{- define "breakwater.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "breakwater.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "breakwater.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "breakwater.selectorLabels" -}}
app.kubernetes.io/name: {{ include "breakwater.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The gateway config: values.config plus what the chart owns (port, drain timeout, Redis URL). */}}
{{- define "breakwater.config" -}}
{{- $cfg := deepCopy (default (dict) .Values.config) }}
{{- $server := default (dict) (get $cfg "server") }}
{{- $_ := set $server "port" (int .Values.port) }}
{{- $_ := set $server "adminPort" (int .Values.adminPort) }}
{{- $_ := set $server "drainTimeoutMs" (mul (int .Values.drainTimeoutSeconds) 1000) }}
{{- $_ := set $cfg "server" $server }}
{{- if .Values.redis.enabled }}
{{- $state := default (dict) (get $cfg "state") }}
{{- $_ := set $state "redisUrl" "${REDIS_URL}" }}
{{- $_ := set $cfg "state" $state }}
{{- end }}
{{- toYaml $cfg }}
{{- end }}

{{/* Refuse settings that would cut streams on rollout. */}}
{{- define "breakwater.validate" -}}
{{- $needed := add .Values.preStopSleepSeconds .Values.drainTimeoutSeconds }}
{{- if le (int .Values.terminationGracePeriodSeconds) (int $needed) }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must be greater than preStopSleepSeconds + drainTimeoutSeconds (%d), or rollouts cut in-flight streams" (int .Values.terminationGracePeriodSeconds) (int $needed)) }}
{{- end }}
{{- if and .Values.redis.enabled (not (or .Values.redis.url .Values.redis.existingSecret)) }}
{{- fail "redis.enabled needs redis.url or redis.existingSecret" }}
{{- end }}
{{- end }}
