{{/*
Helpers shared by the templates. They use a small subset of Helm's template language (fields,
include, if/else, with, range, toYaml/nindent, quote, default, printf, trunc, trimSuffix,
sha256sum) so that test/deploy can render the chart without a helm binary.
*/}}

{{- define "netbox-gitops.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* "<release>-netbox-gitops", or the release name when it already contains the chart name. */}}
{{- define "netbox-gitops.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "netbox-gitops.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "netbox-gitops.labels" -}}
helm.sh/chart: {{ include "netbox-gitops.chart" . }}
app.kubernetes.io/name: {{ include "netbox-gitops.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: netbox-gitops
{{- end -}}

{{- define "netbox-gitops.selectorLabels" -}}
app.kubernetes.io/name: {{ include "netbox-gitops.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "netbox-gitops.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "netbox-gitops.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "netbox-gitops.secretName" -}}
{{- default (include "netbox-gitops.fullname" .) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "netbox-gitops.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/*
The environment every container of the chart gets besides the ConfigMap: CACHE_DIR on its
volume, HOME and TMPDIR there too (as the image sets them, but following cache.mountPath), each
secret variable from the Secret (optional, so an absent key leaves it unset), the
ssh key path when one is mounted, then extraEnv.
*/}}
{{- define "netbox-gitops.env" -}}
- name: CACHE_DIR
  value: {{ .Values.cache.mountPath | quote }}
- name: HOME
  value: {{ .Values.cache.mountPath | quote }}
- name: TMPDIR
  value: {{ .Values.cache.mountPath | quote }}
{{- $secretName := include "netbox-gitops.secretName" . }}
{{- range $variable, $key := .Values.secrets.keys }}
- name: {{ $variable }}
  valueFrom:
    secretKeyRef:
      name: {{ $secretName }}
      key: {{ $key }}
      optional: true
{{- end }}
{{- if .Values.git.sshKeySecret }}
- name: GIT_SSH_KEY_PATH
  value: {{ printf "/etc/netbox-gitops/ssh/%s" .Values.git.sshKeySecretKey | quote }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
The one writable place on the read-only root filesystem: the cache (CACHE_DIR), which is also
HOME (ssh's known_hosts for accept-new) and TMPDIR (git's temporary files); see netbox-gitops.env.
*/}}
{{- define "netbox-gitops.volumeMounts" -}}
- name: cache
  mountPath: {{ .Values.cache.mountPath }}
{{- if .Values.git.sshKeySecret }}
- name: ssh-key
  mountPath: /etc/netbox-gitops/ssh
  readOnly: true
{{- end }}
{{- with .Values.extraVolumeMounts }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "netbox-gitops.volumes" -}}
- name: cache
{{- if .Values.cache.existingClaim }}
  persistentVolumeClaim:
    claimName: {{ .Values.cache.existingClaim }}
{{- else }}
  emptyDir:
    sizeLimit: {{ .Values.cache.sizeLimit }}
{{- end }}
{{- if .Values.git.sshKeySecret }}
- name: ssh-key
  secret:
    secretName: {{ .Values.git.sshKeySecret }}
    # 0440 in decimal (YAML 1.1 and 1.2 read a leading zero differently): read through fsGroup;
    # ssh accepts it because the file is not owned by the user it runs as.
    defaultMode: 288
    items:
      - key: {{ .Values.git.sshKeySecretKey }}
        path: {{ .Values.git.sshKeySecretKey }}
{{- end }}
{{- with .Values.extraVolumes }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Pod-template annotations: roll the pods when the configuration or the chart's Secret changes. */}}
{{- define "netbox-gitops.podAnnotations" -}}
checksum/config: {{ toJson .Values.config | sha256sum }}
checksum/secrets: {{ toJson .Values.secrets | sha256sum }}
{{- with .Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end -}}
