#!/usr/bin/env bash
# Debian packages the browser tests need: Chromium (driven by Playwright, no browser download) and a CJK font.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui)  # the document tests open .docx in LibreOffice
[ ${#missing[@]} -eq 0 ] && exit 0
echo "安装浏览器测试所需的系统软件包：${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  echo "缺少 ${missing[*]}，且当前用户无权安装。请以 root 运行：apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
