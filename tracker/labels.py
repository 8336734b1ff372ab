"""Readable, translatable names for the codes stored in the database."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tracker.i18n import lazy_gettext as _l
from tracker.i18n import lazy_pgettext

MEETING_KIND_LABELS = {
    "rakor": _l("Rapat Koordinasi (Rakor)"),
    "rakor_forkopimda": _l("Rakor Forkopimda"),
    "rapat_terbatas": _l("Rapat terbatas"),
    "rapat_kerja": _l("Rapat kerja"),
    "apel": _l("Apel"),
    "sosialisasi": _l("Sosialisasi"),
    "other": _l("Lainnya"),
}
STATUS_LABELS = {
    "scheduled": _l("Dijadwalkan"),
    "held": _l("Terlaksana"),
    "postponed": _l("Ditunda"),
    "cancelled": _l("Dibatalkan"),
}
VISIBILITY_LABELS = {"public": _l("Publik"), "internal": _l("Internal")}
# One participant's role, singular in English ("Speaker"); the context keeps these apart
# from the group headings below, which read in the plural ("Speakers (6)") (issue 16).
ROLE_LABELS = {
    "chair": _l("Pimpinan rapat"),
    "host": _l("Tuan rumah"),
    "speaker": lazy_pgettext("peran", "Pemateri"),
    "attendee": lazy_pgettext("peran", "Peserta"),
}
ROLE_HEADINGS = {
    "chair": _l("Pimpinan rapat"),
    "host": _l("Tuan rumah"),
    "speaker": _l("Pemateri"),
    "attendee": _l("Peserta"),
}
ATTENDANCE_LABELS = {
    "present": _l("Hadir"),
    "represented": _l("Diwakili"),
    "absent": _l("Tidak hadir"),
    "unknown": _l("Tidak diketahui"),
}
AGENCY_KIND_LABELS = {
    "police": _l("Kepolisian"),
    "military": _l("TNI"),
    "prosecutor": _l("Kejaksaan"),
    "court": _l("Pengadilan"),
    "legislature": _l("DPRD"),
    "regional_government": _l("Pemerintah daerah"),
    "election_commission": _l("KPU"),
    "election_supervisor": _l("Bawaslu"),
    "intelligence": _l("Intelijen"),
    "other": _l("Lainnya"),
}
REGION_KIND_LABELS = {
    "province": _l("Provinsi"),
    "regency": _l("Kabupaten"),
    "city": _l("Kota"),
}
COVERAGE_LABELS = {
    "reports": _l("melaporkan"),
    "announces": _l("mengumumkan"),
    "mentions": _l("menyebut"),
}
ROLE_ORDER = ("chair", "host", "speaker", "attendee")


def register(app: Flask) -> None:
    """Make the label tables available in every template."""

    @app.context_processor
    def inject_labels() -> dict[str, Any]:
        return {
            "MEETING_KIND_LABELS": MEETING_KIND_LABELS,
            "STATUS_LABELS": STATUS_LABELS,
            "VISIBILITY_LABELS": VISIBILITY_LABELS,
            "ROLE_LABELS": ROLE_LABELS,
            "ROLE_HEADINGS": ROLE_HEADINGS,
            "ATTENDANCE_LABELS": ATTENDANCE_LABELS,
            "AGENCY_KIND_LABELS": AGENCY_KIND_LABELS,
            "REGION_KIND_LABELS": REGION_KIND_LABELS,
            "COVERAGE_LABELS": COVERAGE_LABELS,
        }


# Change history (issue 3): names of logged fields and actions, for people.
CHANGE_FIELD_LABELS = {
    "title": _l("Judul"),
    "kind": _l("Jenis rapat"),
    "theme": _l("Tema"),
    "summary": _l("Ringkasan"),
    "starts_at": _l("Mulai"),
    "ends_at": _l("Selesai"),
    "timezone": _l("Zona waktu"),
    "time_unknown": _l("Jam tidak disebutkan"),
    "venue_id": _l("Tempat"),
    "region_id": _l("Wilayah"),
    "election_id": _l("Pemilihan"),
    "visibility": _l("Visibilitas"),
    "source_note": _l("Catatan sumber"),
    "status": _l("Status"),
    "status_reason": _l("Alasan"),
    "agency_id": _l("Instansi"),
    "person_id": _l("Orang"),
    "collective_label": _l("Kelompok peserta"),
    "position": _l("Jabatan"),
    "roles": _l("Peran"),
    "attendance": _l("Kehadiran"),
    "represented_by": _l("Diwakili oleh"),
    "topic": _l("Topik"),
    "order": _l("Urutan"),
    "press_release_id": _l("Siaran pers"),
    "relation": _l("Hubungan"),
    "sentence": _l("Kalimat bukti"),
}
CHANGE_ACTION_LABELS = {
    ("meeting", "create"): _l("Rapat dicatat"),
    ("meeting", "update"): _l("Rapat diubah"),
    ("meeting", "postpone"): _l("Rapat ditunda"),
    ("meeting", "cancel"): _l("Rapat dibatalkan"),
    ("meeting", "held"): _l("Rapat ditandai terlaksana"),
    ("participation", "create"): _l("Peserta ditambahkan"),
    ("participation", "update"): _l("Peserta diubah"),
    ("participation", "delete"): _l("Peserta dihapus"),
    ("participation", "merge"): _l("Instansi peserta digabung"),
    ("coverage", "create"): _l("Siaran pers ditautkan"),
    ("coverage", "update"): _l("Hubungan siaran pers diubah"),
    ("coverage", "delete"): _l("Tautan siaran pers dilepas"),
    ("evidence", "create"): _l("Kalimat bukti ditambahkan"),
}

# Statutory seats of a provincial Forkopimda (PP 12/2022), for the election pages.
FORKOPIMDA_SEAT_LABELS = {
    "head": _l("Kepala daerah (Pemprov)"),
    "legislature": _l("DPRD"),
    "police": _l("Kepolisian (Polda)"),
    "prosecutor": _l("Kejaksaan (Kejati)"),
    "military": _l("TNI (Kodam)"),
}
