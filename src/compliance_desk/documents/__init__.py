"""Printed documents: data in, PDF bytes out (reportlab, qrcode). No Qt, no database."""
