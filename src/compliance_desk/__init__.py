"""Compliance Desk (合规服务台): the desktop application of Shangyu District's compliance points."""

__version__ = "0.1.0"
APP_NAME = "compliance-desk"
