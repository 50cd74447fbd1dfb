"""Builds the bundle and the .deb (see installer/README.md); installer/tests checks them."""
