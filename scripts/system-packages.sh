#!/bin/sh
# Makes sure the Debian packages the reports need are present: a CJK font and HarfBuzz subsetting.
# Installs them when running as root; otherwise says exactly what to install.
missing=""
fc-list ':lang=zh' family 2>/dev/null | grep -q . || missing="$missing fonts-noto-cjk"
ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset\.so\.0' || missing="$missing libharfbuzz-subset0"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq $missing >/dev/null || exit 1
else
    echo "Missing Debian packages:$missing" >&2
    echo "Install them with: sudo apt-get install$missing" >&2
    exit 1
fi
