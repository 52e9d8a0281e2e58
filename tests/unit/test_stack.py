"""The developer stack's own pieces: secrets, placeholders, mail sink."""

import re
import smtplib
import socket
import stat
from email.message import EmailMessage

from stack.__main__ import PORTS
from stack.credentials_file import WANTED, load_or_create
from stack.mailsink import MailSink, body_text
from stack.network import free_port
from stack.paths import REALM_FILE
from stack.prod import cluster_size
from stack.realm import realm_env


def test_secrets_are_made_once_kept_private_and_reused(tmp_path):
    path = tmp_path / "secrets.env"
    first = load_or_create(path)
    assert set(first) == set(WANTED)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create(path) == first


def test_every_placeholder_of_the_realm_gets_a_value():
    """A ${NAME} without a default would import as the literal text."""
    names = set(re.findall(r"\$\{([A-Z_]+)(?::[^}]*)?\}", REALM_FILE.read_text()))
    values = realm_env({k: "x" for k in WANTED}, PORTS)
    assert names <= set(values), names - set(values)


def test_mail_sink_stores_each_message_for_reading(tmp_path):
    sink = MailSink(tmp_path / "mail", free_port())
    sink.start()
    try:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = "kc@example.tw", "staff@clinic.example.tw", "重設密碼"
        msg.set_content("請於 1 小時內重設密碼。")
        with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
            smtp.send_message(msg)
        [got] = sink.wait_for("staff@clinic.example.tw", timeout=10)
        assert got["Subject"] == "重設密碼"
        assert "1 小時" in body_text(got)
        assert sink.messages("someone-else@example.tw") == []
    finally:
        sink.stop()


def test_the_cluster_size_is_read_from_the_last_view_joined_or_merged():
    """A node that made a cluster of its own at start (discovery answered late) joins the other
    through a merge, which Infinispan logs as ISPN000093, its subgroups after its members."""
    at = "2026-12-05 08:21:01,145 INFO  [org.infinispan.CLUSTER] (jgroups-5,vm-1(v=16.0.14)) "
    alone = at + "ISPN000094: Received new cluster view for channel ISPN: [vm-1(v=16.0.14)|0] (1) [vm-1(v=16.0.14)]"
    merged = (
        at + "ISPN000093: Received new, MERGED cluster view for channel ISPN: MergeView::[vm-1(v=16.0.14)|2] (2) "
        "[vm-1(v=16.0.14), vm-2(v=16.0.14)], 2 subgroups: [vm-1(v=16.0.14)|0] (1) [vm-1(v=16.0.14)], "
        "[vm-2(v=16.0.14)|0] (1) [vm-2(v=16.0.14)]"
    )
    left = at + "ISPN000094: Received new cluster view for channel ISPN: [vm-2(v=16.0.14)|3] (1) [vm-2(v=16.0.14)]"
    assert cluster_size("Keycloak starting\n") == 1
    assert cluster_size(alone) == 1
    assert cluster_size("\n".join([alone, merged])) == 2
    assert cluster_size("\n".join([alone, merged, left])) == 1


def test_a_free_port_is_outside_the_ports_outgoing_connections_take():
    """A port the kernel may give an outgoing connection could be taken before our server binds it."""
    from stack.network import ephemeral_ports

    ports = {free_port() for _ in range(50)}
    assert not ports & set(ephemeral_ports()), sorted(ports)
    assert len(ports) > 40  # drawn at random, not one port again and again
    for port in ports:
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))
