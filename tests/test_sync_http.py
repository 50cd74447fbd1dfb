"""The sync's HTTP client: certificates checked, and the certificate store loaded once per process
(loading it took ~50 ms for every sync, more than a whole sync with nothing to do)."""

from __future__ import annotations

import ssl

from compliance_desk.sync import client as sync_client


def test_clients_share_one_verifying_tls_context() -> None:
    sync_client._tls.cache_clear()
    contexts = []
    for url in ("https://sync.example.cn", "http://10.0.0.2:8765", "https://other.example.cn"):
        with sync_client.default_http(url) as http:
            assert str(http.base_url).startswith(url)
        contexts.append(sync_client._tls())
    assert sync_client._tls.cache_info().misses == 1  # loaded once for three clients
    context = contexts[0]
    assert all(c is context for c in contexts)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0  # the system's or certifi's authorities
