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

{{/* The gateway config: values.config plus what the chart owns (ports, drain timeout, Redis URL; in sidecar mode the listen addresses). */}}
{{- define "breakwater.config" -}}
{{- $cfg := deepCopy (default (dict) .Values.config) }}
{{- $server := default (dict) (get $cfg "server") }}
{{- $_ := set $server "port" (int .Values.port) }}
{{- $_ := set $server "adminPort" (int .Values.adminPort) }}
{{- $_ := set $server "drainTimeoutMs" (mul (int .Values.drainTimeoutSeconds) 1000) }}
{{- if eq .Values.mode "sidecar" }}
{{- $_ := set $server "host" "127.0.0.1" }}
{{- $_ := set $server "adminHost" "0.0.0.0" }}
{{- end }}
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
{{- if and (eq .Values.mode "sidecar") (empty .Values.sidecar.containers) }}
{{- fail "mode: sidecar needs the agent's containers in sidecar.containers" }}
{{- end }}
{{- if and .Values.redis.enabled (not (or .Values.redis.url .Values.redis.existingSecret)) }}
{{- fail "redis.enabled needs redis.url or redis.existingSecret" }}
{{- end }}
{{- end }}

{{/* The Breakwater container: the pod's only container (standalone), or a native sidecar (an init container with restartPolicy: Always). */}}
{{- define "breakwater.container" -}}
- name: breakwater
  {{- if eq .Values.mode "sidecar" }}
  restartPolicy: Always
  {{- end }}
  image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  args:
    - --config
    - /etc/breakwater/breakwater.yaml
    - --port
    - {{ .Values.port | quote }}
  ports:
    {{- if ne .Values.mode "sidecar" }}
    - name: http
      containerPort: {{ .Values.port }}
      protocol: TCP
    {{- end }}
    - name: admin
      containerPort: {{ .Values.adminPort }}
      protocol: TCP
  env:
    {{- if .Values.redis.enabled }}
    - name: REDIS_URL
      {{- if .Values.redis.existingSecret }}
      valueFrom:
        secretKeyRef:
          name: {{ .Values.redis.existingSecret }}
          key: {{ .Values.redis.existingSecretKey }}
      {{- else }}
      value: {{ .Values.redis.url | quote }}
      {{- end }}
    {{- end }}
    {{- range .Values.secretEnv }}
    - name: {{ .name }}
      valueFrom:
        secretKeyRef:
          name: {{ .secretName }}
          key: {{ .key }}
    {{- end }}
    {{- with .Values.env }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with .Values.envFrom }}
  envFrom:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  startupProbe:
    httpGet:
      path: {{ .Values.probes.startup.path }}
      port: admin
    periodSeconds: {{ .Values.probes.startup.periodSeconds }}
    timeoutSeconds: {{ .Values.probes.startup.timeoutSeconds }}
    failureThreshold: {{ .Values.probes.startup.failureThreshold }}
  livenessProbe:
    httpGet:
      path: {{ .Values.probes.liveness.path }}
      port: admin
    periodSeconds: {{ .Values.probes.liveness.periodSeconds }}
    timeoutSeconds: {{ .Values.probes.liveness.timeoutSeconds }}
    failureThreshold: {{ .Values.probes.liveness.failureThreshold }}
  readinessProbe:
    httpGet:
      path: {{ .Values.probes.readiness.path }}
      port: admin
    periodSeconds: {{ .Values.probes.readiness.periodSeconds }}
    timeoutSeconds: {{ .Values.probes.readiness.timeoutSeconds }}
    failureThreshold: {{ .Values.probes.readiness.failureThreshold }}
  {{- if ne .Values.mode "sidecar" }}
  # Endpoints are removed while it sleeps; a sidecar needs none: it stops after the agent has exited.
  lifecycle:
    preStop:
      exec:
        command: ["sleep", "{{ .Values.preStopSleepSeconds }}"]
  {{- end }}
  resources:
    {{- toYaml .Values.resources | nindent 4 }}
  securityContext:
    {{- toYaml .Values.securityContext | nindent 4 }}
  volumeMounts:
    - name: config
      mountPath: /etc/breakwater
      readOnly: true
    - name: tmp
      mountPath: /tmp
    {{- with .Values.extraVolumeMounts }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end }}

{{/* The agent's containers (mode: sidecar), each told where Breakwater is unless it says so itself. */}}
{{- define "breakwater.agentContainers" -}}
{{- $port := int .Values.port }}
{{- $wired := dict "OPENAI_BASE_URL" (printf "http://127.0.0.1:%d/v1" $port) "ANTHROPIC_BASE_URL" (printf "http://127.0.0.1:%d" $port) }}
{{- $containers := list }}
{{- range .Values.sidecar.containers }}
{{- $container := deepCopy . }}
{{- $env := default (list) $container.env }}
{{- $named := list }}
{{- range $env }}
{{- $named = append $named .name }}
{{- end }}
{{- $added := list }}
{{- range $name := list "OPENAI_BASE_URL" "ANTHROPIC_BASE_URL" }}
{{- if not (has $name $named) }}
{{- $added = append $added (dict "name" $name "value" (get $wired $name)) }}
{{- end }}
{{- end }}
{{- $_ := set $container "env" (concat $added $env) }}
{{- $containers = append $containers $container }}
{{- end }}
{{- toYaml $containers }}
{{- end }}
