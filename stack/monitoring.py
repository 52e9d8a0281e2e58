"""The operators' view of the production shape (docs/operations.md §8): Debian's Prometheus
scraping both Keycloak nodes' management ports and the sync service's, with the alert rules of
monitoring/alert-rules.yml, and Debian's blackbox exporter reading the certificates nginx serves
(their expiry). The stack only writes their configuration and starts them."""

from __future__ import annotations

import json
from pathlib import Path

from .paths import ROOT

RULES = ROOT / "monitoring" / "alert-rules.yml"


def blackbox_config(ca_file: Path) -> str:
    # A TLS handshake that must verify against the agency's CA: the probe reports the chain's
    # earliest expiry (probe_ssl_earliest_cert_expiry) and fails on a certificate nobody trusts.
    return json.dumps(
        {
            "modules": {
                "tls_connect": {
                    "prober": "tcp",
                    "timeout": "5s",
                    "tcp": {"tls": True, "tls_config": {"ca_file": str(ca_file)}},
                }
            }
        },
        indent=2,
    )


def prometheus_config(
    *, keycloak_nodes: list[str], sync_metrics: list[str], tls_endpoints: list[str], blackbox: str, ca_file: Path
) -> str:
    """prometheus.yml (JSON is YAML): every address "host:port"."""
    return json.dumps(
        {
            "global": {"scrape_interval": "5s", "evaluation_interval": "5s"},
            "rule_files": [str(RULES)],
            "scrape_configs": [
                {
                    "job_name": "keycloak",
                    "scheme": "https",
                    "tls_config": {"ca_file": str(ca_file)},
                    "static_configs": [{"targets": keycloak_nodes}],
                },
                {"job_name": "sync-service", "static_configs": [{"targets": sync_metrics}]},
                {
                    "job_name": "tls",
                    "metrics_path": "/probe",
                    "params": {"module": ["tls_connect"]},
                    "static_configs": [{"targets": tls_endpoints}],
                    "relabel_configs": [
                        {"source_labels": ["__address__"], "target_label": "__param_target"},
                        {"source_labels": ["__param_target"], "target_label": "instance"},
                        {"target_label": "__address__", "replacement": blackbox},
                    ],
                },
            ],
        },
        indent=2,
    )
