"""R-CC-4: recordings are played on the web by those allowed, each play audited."""

from __future__ import annotations

import pytest

from kefu.audit.models import AuditEntry
from kefu.org.roles import Role
from tests.callcenter.factories import at, call

pytestmark = pytest.mark.django_db


def plays(call_id: int) -> int:
    return AuditEntry.objects.filter(
        target_type="callcenter.callrecord", target_id=str(call_id), action="other"
    ).count()


def test_an_allowed_role_plays_a_recording_file_and_each_play_is_audited_rcc4(
    web, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "recordings").mkdir()
    (tmp_path / "recordings" / "r1.wav").write_bytes(b"RIFF....WAVE")
    record = call(enter_at=at("2026-03-02"), recording="r1.wav")
    client = web(Role.CS_SUPERVISOR)
    page = client.get("/callcenter/calls/")
    assert (
        page.status_code == 200 and f"/callcenter/calls/{record.pk}/play/" in page.content.decode()
    )
    player = client.post(f"/callcenter/calls/{record.pk}/play/")
    assert player.status_code == 200 and plays(record.pk) == 1
    src = player.content.decode().split('src="')[1].split('"')[0].replace("&amp;", "&")
    audio = client.get(src)
    assert audio.status_code == 200 and b"".join(audio.streaming_content) == b"RIFF....WAVE"
    client.post(f"/callcenter/calls/{record.pk}/play/")
    assert plays(record.pk) == 2
    # The file cannot be fetched without the play that audits it.
    assert client.get(f"/callcenter/calls/{record.pk}/recording/").status_code == 404


def test_a_recording_outside_the_recordings_folder_is_not_served(web, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "recordings").mkdir()
    (tmp_path / "secret.txt").write_text("no")
    record = call(enter_at=at("2026-03-02"), recording="../secret.txt")
    client = web(Role.CS_SUPERVISOR)
    src = client.post(f"/callcenter/calls/{record.pk}/play/").content.decode()
    url = src.split('src="')[1].split('"')[0].replace("&amp;", "&")
    assert client.get(url).status_code == 404


def test_playing_through_the_api_checks_the_role_and_audits_rcc4(api, anonymous_api):
    record = call(enter_at=at("2026-03-02"), recording="https://pbx.example/rec/1.mp3")
    bare = call(enter_at=at("2026-03-02", "11:00"))
    auditor = api(Role.AUDITOR)
    response = auditor.post(f"callcenter/calls/{record.pk}/recording/play")
    assert response.status_code == 200
    assert response.json()["url"] == "https://pbx.example/rec/1.mp3" and plays(record.pk) == 1
    assert auditor.post(f"callcenter/calls/{bare.pk}/recording/play").status_code == 404
    assert auditor.post("callcenter/calls/999999/recording/play").status_code == 404
    assert api(Role.AGENT).post(f"callcenter/calls/{record.pk}/recording/play").status_code == 403
    assert anonymous_api.post(f"callcenter/calls/{record.pk}/recording/play").status_code == 401
    assert plays(record.pk) == 1


def test_attaching_a_recording_is_for_the_manager_and_checked_rcc4(api):
    record = call(enter_at=at("2026-03-02"))
    admin = api(Role.SYSADMIN)
    url = f"callcenter/calls/{record.pk}/recording"
    ok = admin.put(url, {"recording": "2026/03/02/r1.wav"})
    assert ok.status_code == 200 and ok.json()["has_recording"] is True
    assert admin.put(url, {"recording": "not a file"}).status_code == 400
    assert api(Role.AGENT).put(url, {"recording": "a.wav"}).status_code == 403
    assert admin.put("callcenter/calls/999999/recording", {"recording": "a.wav"}).status_code == 404


def test_an_agent_may_not_play_recordings_on_the_page(web):
    record = call(enter_at=at("2026-03-02"), recording="r1.wav")
    assert web(Role.AGENT).post(f"/callcenter/calls/{record.pk}/play/").status_code == 403
