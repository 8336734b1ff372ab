"""Participants: representation, speech, absent authors, other events, negated titles.

Each release is invented for the pattern it tests, in the genre's style.
"""

from __future__ import annotations

from datetime import date

from tracker.press.extraction import extract

from .helpers import codes, names, warning

REPRESENTED = """KUPANG – Pemprov NTT menggelar rapat koordinasi Forkopimda jelang Pilkada di Aula \
El Tari, Kupang, Rabu (6/11/2024). Rakor dipimpin Pj Gubernur NTT Andriko Noto Susanto. \
Turut hadir Kapolda NTT diwakili oleh Wakapolda Brigjen Pol Awi Setiyono, Kajati NTT, Ketua \
KPU NTT dan Ketua DPRD NTT yang diwakili Wakil Ketua DPRD.
Sambutan Danrem 161/Wira Sakti dibacakan oleh Kasrem Kolonel Inf Dwi Agung. Dalam \
sambutannya, Danrem menegaskan kesiapan TNI.
"""


def test_represented_agencies_name_their_representative() -> None:
    r = extract(REPRESENTED)
    by_name = {a["name"]: a for a in r["agencies"]}
    polda = by_name["Polda NTT"]
    assert polda["attendance"] == "represented"
    assert polda["represented_by"].startswith("Wakapolda Brigjen Pol Awi Setiyono")
    assert by_name["DPRD NTT"]["attendance"] == "represented"
    assert by_name["Kejati NTT"]["attendance"] == "present"
    assert "represented_by" not in by_name["Kejati NTT"]
    for a in r["agencies"]:
        assert 0 < a["confidence"] <= 1


MEWAKILI = """Rakor Forkopimda Kabupaten Kuningan digelar di Pendopo Kuningan, Selasa \
(17/10/2023). Rakor dihadiri Sekda Dian Rachmat mewakili Bupati Kuningan, serta Kapolres \
Kuningan AKBP Willy Andrian. Kapolres Kuningan membacakan amanat Kapolri tentang Operasi \
Mantap Brata. Kapolri menegaskan bahwa seluruh personel harus netral.
"""


def test_mewakili_and_a_speech_read_out_for_an_absent_author() -> None:
    r = extract(MEWAKILI)
    pemkab = next(a for a in r["agencies"] if a["name"] == "Pemkab Kuningan")
    assert pemkab["attendance"] == "represented"
    assert "Dian Rachmat" in pemkab["represented_by"]
    # The Kapolri's speech is read out: he is neither present nor a speaker.
    assert "Mabes Polri" not in names(r)
    assert all(s["agency"] != "Mabes Polri" for s in r["speakers"])


ELSEWHERE = """Polres Sukabumi menggelar apel gelar pasukan Operasi Mantap Brata di Lapangan \
Mapolres Sukabumi, Selasa (17/10/2023). Apel dipimpin langsung Kapolres Sukabumi AKBP Maruly \
Pardede.
Di tempat terpisah, apel tingkat pusat dipimpin oleh Kapolri Jenderal Polisi Listyo Sigit \
Prabowo di Silang Monas.
"""


def test_another_events_chair_is_no_rival_and_no_participant() -> None:
    r = extract(ELSEWHERE)
    assert r["chair"]["name"] == "Maruly Pardede"
    assert "chair_uncertain" not in codes(r)
    assert "Mabes Polri" not in names(r)


TWO_CHAIRS = """MATARAM – Rakor lintas sektoral pengamanan Pilkada digelar di Aula Mapolda NTB, \
Senin (4/11/2024). Rakor dipimpin Kapolda NTB Irjen Pol Hadi Gunawan. Hadir Pj Gubernur \
NTB Hassanudin dan Ketua KPU NTB.
Rapat koordinasi tersebut dibuka oleh Pj Gubernur NTB Hassanudin.
"""


def test_two_chairs_leave_the_chair_empty_with_a_warning() -> None:
    r = extract(TWO_CHAIRS)
    assert r["chair"] is None
    w = warning(r, "chair_uncertain")
    assert w["field"] == "chair"
    assert "Hadi Gunawan" in w["message"] and "Hassanudin" in w["message"]
    assert "chair" not in r["confidence"] or r["confidence"]["chair"] < 0.5


SPEECH = """TERNATE – Rakor kesiapan Pilkada digelar di Royal Resto Ternate, Sabtu \
(23/11/2024), dihadiri Ketua KPU Malut, Anggota Bawaslu Malut dan Kapolres Ternate AKBP \
M Anjar. “Logistik sudah siap,” kata Ketua KPU Malut.
Anggota Bawaslu Malut, Sumitro, menambahkan bahwa pengawasan diperketat.
“Kami siap mengamankan TPS,” ujar Anjar. Kapolres juga menyampaikan materi tentang pemetaan \
TPS rawan.
"""


def test_speakers_after_quotes_by_added_verbs_and_by_surname() -> None:
    r = extract(SPEECH)
    speaking = {s["agency"] for s in r["speakers"]}
    assert {"KPU Malut", "Bawaslu Malut", "Polres Ternate"} <= speaking
    anjar = next(s for s in r["speakers"] if s["agency"] == "Polres Ternate")
    assert anjar["name"] == "M Anjar"
    for s in r["speakers"]:
        assert 0 < s["confidence"] <= 1


def test_speaker_topic_when_stated() -> None:
    text = (
        "Rakor Forkopimda Kota Ternate digelar di Aula Kantor Wali Kota Ternate, Senin "
        "(18/11/2024). Dalam rakor itu Kapolres Ternate memaparkan materi tentang pemetaan TPS "
        "rawan, sementara Ketua KPU Ternate menyampaikan kesiapan logistik."
    )
    r = extract(text)
    topics = {s["agency"]: s.get("topic") for s in r["speakers"]}
    assert topics["Polres Ternate"] == "pemetaan TPS rawan"


NEGATED_LIST = """MERAUKE – KPU Kabupaten Merauke menggelar coffee morning dalam rangka Pemilihan \
Gubernur dan Wakil Gubernur Provinsi Papua Selatan serta Bupati dan Wakil Bupati Kabupaten \
Merauke di Hotel Halogen Merauke, Senin (25/11/2024). Hadir Dandim 1707/Merauke dan Kapolres \
Merauke.
"""


def test_offices_up_for_election_are_no_participants() -> None:
    r = extract(NEGATED_LIST)
    assert "Pemprov Papua Selatan" not in names(r)
    assert "Pemkab Merauke" not in names(r)
    assert {"KPU Merauke", "Polres Merauke"} <= names(r)


def test_renamed_ministry_takes_its_successors_name_on_the_meeting_date() -> None:
    text = (
        "Kementerian Koordinator Bidang Politik, Hukum, dan Keamanan menggelar rakor pemantauan "
        "Pilkada di Ternate, Sabtu (23/11/2024), dihadiri Ketua KPU Malut."
    )
    assert "Kemenko Polkam" in names(extract(text))
    before = text.replace("Sabtu (23/11/2024)", "Kamis (10/10/2024)")
    assert "Kemenko Polhukam" in names(extract(before, published=date(2024, 10, 10)))


def test_regional_secretaries_name_their_government() -> None:
    text = (
        "Rakor Forkopimda Malut digelar di Ternate, Sabtu (23/11/2024), dihadiri Sekretaris "
        "Kota Tidore Kepulauan dan Sekkab Halmahera Barat."
    )
    assert {"Pemkot Tidore Kepulauan", "Pemkab Halmahera Barat"} <= names(extract(text))


STAND_IN = """KETAPANG – Polres Ketapang menggelar rapat koordinasi kesiapan pengamanan Pilkada di \
aula Mapolres Ketapang, Senin (18/11/2024).
Rapat dimulai dengan sambutan Bupati Ketapang yang diwakili Kasat Pol PP Drs Anwar. Dalam \
kesempatannya, Kasat Pol PP menyampaikan bahwa pemerintah daerah mendukung pengamanan.
"""


def test_a_stand_in_delivering_the_heads_speech_speaks_for_the_head() -> None:
    r = extract(STAND_IN)
    assert {s["agency"] for s in r["speakers"]} == {"Pemkab Ketapang"}


def test_a_stand_in_with_his_own_remarks_speaks_for_his_own_body() -> None:
    text = (
        "Rakor Forkopimda digelar di Kantor Kesbangpol Kobar, Senin (16/10/2023). Kaban "
        "Kesbangpol Kobar Edie Faganti mewakili Plh Sekda Kobar dalam sambutan pengantar "
        "menyampaikan dukungan pemerintah daerah."
    )
    r = extract(text)
    assert {s["agency"] for s in r["speakers"]} == {"Kesbangpol Kotawaringin Barat"}


def test_statements_to_reporters_after_the_meeting_are_not_meeting_speech() -> None:
    text = (
        "Pj Bupati Pati menghadiri Rakor Desk Pilkada di Gedung Gradhika Bhakti Praja, Selasa "
        "(9/7/2024). Kepada tim liputan usai mengikuti acara, Pj Bupati Pati Henggar "
        "menyampaikan bahwa daerah siap. Mekanisme tahapan Pilkada telah dijelaskan oleh "
        "Ketua KPU Jateng. Henggar menjelaskan bahwa Pj Gubernur Jateng menekankan netralitas."
    )
    r = extract(text)
    assert {s["agency"] for s in r["speakers"]} == {"KPU Jateng", "Pemprov Jateng"}


def test_a_body_named_as_the_speaker() -> None:
    text = (
        "Rakor pemantauan Pilkada digelar di Ternate, Sabtu (23/11/2024). Marsma TNI A. Pandu "
        "Purnama, Ketua Tim Pemantau Pilkada Kemenko Polkam, menyampaikan bahwa situasi aman."
    )
    r = extract(text)
    assert "Kemenko Polkam" in {s["agency"] for s in r["speakers"]}


def test_corps_after_rank_and_an_abbreviated_unit_name() -> None:
    text = (
        "MERAUKE – KPU Kabupaten Merauke menggelar coffee morning di Hotel Halogen Merauke, "
        "Senin (25/11/2024). Dandim 1707/Mrk Letkol Arm Johny Nofriady menyampaikan imbauan."
    )
    r = extract(text)
    dandim = next(s for s in r["speakers"] if s["agency"] and s["agency"].startswith("Kodim"))
    assert dandim["agency"] == "Kodim 1707/Merauke"
    assert dandim["name"] == "Johny Nofriady"
