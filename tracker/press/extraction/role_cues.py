"""The words that give a mention its role: hosting, attending, speaking, reported elsewhere."""

from __future__ import annotations

import re

HOST_VERB = re.compile(
    r"\b(?:menggelar|melaksanakan|melakukan|menyelenggarakan|mengadakan|menginisiasi|gelar)\b"
    r"(?=[^.]{0,60}\b(?:rakor|rapat|ratas|pertemuan|koordinasi|kegiatan|acara|apel|"
    r"coffee\s+morning|silaturahmi|diskusi|fgd|audiensi)\b)",
    re.I,
)
ATTEND = re.compile(
    r"\b(?:dihadiri|hadir|menghadiri|diikuti|mengikuti|didampingi|mewakili|diwakili|peserta|"
    r"undangan|turut|unsur|bersama|antara\s+lain|di\s*antaranya|pemateri|narasumber|"
    r"pembicara|hadirnya|kehadiran)\b",
    re.I,
)
SPEAKER_CUE = re.compile(r"\b(?:pemateri|narasumber|nara\s+sumber|pembicara|panelis)\b", re.I)
SPEECH = re.compile(
    r"\b(?:mengatakan|menyampaikan|menjelaskan|menegaskan|menekankan|mengungkapkan|berpesan|"
    r"menggarisbawahi|memaparkan|mengharapkan|berharap|meminta|mengajak|mengimbau|menuturkan|"
    r"menyebutkan|menerangkan|menginstruksikan|memerintahkan|mengingatkan|menyatakan|"
    r"mengapresiasi|menilai|membuka|menambahkan|meng?himbau|melaporkan|menyoroti|"
    r"mengonfirmasi|menginformasikan|mengungkap|menyebut|"
    r"memberikan\s+(?:arahan|sambutan|paparan|materi|pengarahan|penjelasan)|"
    r"berkata|berujar)\b",
    re.I,
)
_SAID = (
    r"[,”\"]\s*(?:ujar|kata|tutur|ungkap|jelas|tegas|imbuh|ucap|terang|sebut|pungkas|papar)"
    r"(?:nya)?\s+"
)
SAID_BY = re.compile(_SAID, re.I)  # "...,” ujar X" somewhere before a name
SAID_AT = re.compile(_SAID + "$", re.I)  # right before it
_REMARKS = r"\b(?:paparan|arahan|sambutan|pemaparan)\s+(?:dari\s+|oleh\s+)?"
REMARKS = re.compile(_REMARKS, re.I)
REMARKS_OF = re.compile(_REMARKS + r"$", re.I)
# A sentence opening so reports another event ("Di tempat terpisah, Kapolri memimpin ...").
ELSEWHERE = re.compile(
    r"^\W{0,3}(?:di\s+tingkat|pada\s+tingkat|di\s+tempat\s+(?:terpisah|lain|berbeda)|"
    r"di\s+lokasi\s+(?:terpisah|lain|berbeda)|secara\s+nasional|sementara\s+itu,?\s+di\b|"
    r"sebelumnya,?\s+(?:di|pada)\b)",
    re.I,
)
# "membacakan sambutan Kapolri", "amanat Gubernur yang dibacakan oleh ...": the speech
# of someone absent, read out by another.
READ_OUT_BEFORE = re.compile(
    r"\b(?:membacakan|dibacakan|bacakan)\s+(?:naskah\s+)?(?:sambutan|amanat|arahan|pidato)"
    r"(?:\s+tertulis)?\s+(?:dari\s+)?$",
    re.I,
)
READ_OUT_AFTER = re.compile(r"^[\s,]*(?:\S+\s+){0,6}?yang\s+dibacakan\b", re.I)
# Statements to reporters, not speech at the meeting.
TO_PRESS = re.compile(
    r"\b(?:kepada|di\s+hadapan)\s+(?:para\s+|tim\s+)?(?:wartawan|awak\s+media|media|"
    r"jurnalis|liputan)|\b(?:usai|seusai|selepas)\s+(?:mengikuti|menghadiri|kegiatan|acara|"
    r"rakor|rapat|ratas|pertemuan|apel)|\b(?:saat|ketika)\s+dikonfirmasi|\bdihubungi\b",
    re.I,
)
# "dijelaskan oleh KPU", "disampaikan langsung oleh Kapolda": passive speech.
SPOKEN_BY = re.compile(
    r"\b(?:dijelaskan|disampaikan|dipaparkan|diungkapkan|ditegaskan|diterangkan)\s+"
    r"(?:langsung\s+)?oleh\s+$",
    re.I,
)
THAT_CLAUSE = re.compile(r"\bbahwa\s+$", re.I)
SUBJECT_GAP = re.compile(r"\b(?:yang|dan|serta)\b")
_TOPIC = re.compile(
    r"\b(?:materi|paparan|pemaparan|arahan|penjelasan|sambutan|memaparkan|menjelaskan|"
    r"menyampaikan(?:\s+materi)?)\s+(?:tentang|terkait|mengenai|soal|perihal|seputar)\s+"
    r"(?P<t>[^,.;:“”\"()]{4,120})",
    re.I,
)


def speech_topic(sentence: str) -> str | None:
    """The topic a speaker's sentence states ("materi tentang kerawanan pemilu")."""
    m = _TOPIC.search(sentence)
    return " ".join(m.group("t").split()) if m else None


def quote_before(s: str, pos: int) -> bool:
    """True when ``pos`` sits inside an open quotation."""
    head = s[:pos]
    return head.count("“") > head.count("”") or head.count('"') % 2 == 1
