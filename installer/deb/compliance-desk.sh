#!/bin/sh
# Compliance Desk (合规服务台): the bundle installed by the .deb in /opt/compliance-desk.
exec /opt/compliance-desk/compliance-desk "$@"
