"""One invented press release per pattern of the genre, with the values expected."""

from __future__ import annotations

from datetime import date

from tracker.press.extraction import extract

from .helpers import codes, names, roles, warning

JATENG = """SEMARANG - Pemerintah Provinsi Jawa Tengah menggelar Rapat Koordinasi Forkopimda \
untuk memantapkan kesiapan Pemilu 2024 di Gedung Gradhika Bhakti Praja, Jalan Pahlawan No. 9, \
Kota Semarang, Kamis (12/10/23) pukul 09.00 WIB hingga selesai.
Rakor dipimpin oleh Pj Gubernur Jawa Tengah, Nana Sudjana. Hadir dalam kegiatan tersebut \
Kapolda Jateng Irjen Pol Ahmad Luthfi, Pangdam IV/Diponegoro Mayjen TNI Widi Prasetijono, \
Kajati Jateng, Ketua KPU Jateng serta Ketua Bawaslu Jateng.
Dalam sambutannya, Nana mengatakan seluruh unsur harus menjaga netralitas.
"""


def test_two_digit_year_wib_and_open_end() -> None:
    r = extract(JATENG)
    assert r["start_date"] == "2023-10-12"
    assert r["start_time"] == "09:00"
    assert r["end_time"] is None
    assert r["timezone"] == "Asia/Jakarta"
    assert r["venue_name"] == "Gedung Gradhika Bhakti Praja"
    assert r["venue_address"] == "Jalan Pahlawan No. 9"
    assert r["city"] == "Semarang"
    assert r["province"] == "Jawa Tengah"
    assert r["chair"]["name"] == "Nana Sudjana"
    assert r["chair"]["agency"] == "Pemprov Jateng"
    assert {
        "Pemprov Jateng",
        "Polda Jateng",
        "Kodam IV/Diponegoro",
        "Kejati Jateng",
        "KPU Jateng",
        "Bawaslu Jateng",
    } == names(r)
    assert "weekday_mismatch" not in codes(r)
    assert r["election"] == "Pemilu 2024"


SULSEL = """MAKASSAR – Polda Sulsel melaksanakan rapat koordinasi lintas sektoral pengamanan \
Pilkada serentak di Ballroom Hotel Claro Makassar, Selasa (22/10/2024), pukul 13.30 - 16.00 Wita.
Rakor dibuka oleh Kapolda Sulsel Irjen Pol Yudhiawan. Turut hadir Pangdam XIV/Hasanuddin, \
Kabinda Sulsel, Ketua KPU Sulsel dan Ketua Bawaslu Sulsel.
Kapolda menyampaikan bahwa pemungutan suara pada 27 November 2024 harus aman.
"""


def test_wita_time_range_and_chain_hotel() -> None:
    r = extract(SULSEL)
    assert r["start_date"] == "2024-10-22"
    assert (r["start_time"], r["end_time"]) == ("13:30", "16:00")
    assert r["timezone"] == "Asia/Makassar"
    assert r["venue_name"] == "Ballroom Hotel Claro Makassar"
    assert r["city"] == "Makassar"
    assert r["chair"]["name"] == "Yudhiawan"
    assert {
        "Polda Sulsel",
        "Kodam XIV/Hasanuddin",
        "Binda Sulsel",
        "KPU Sulsel",
        "Bawaslu Sulsel",
    } == names(r)
    assert r["meeting_kind"] == "Rakor lintas sektoral"
    assert r["election"] == "Pilkada 2024"
    assert {s["agency"] for s in r["speakers"]} == {"Polda Sulsel"}


PAPUA = """JAYAPURA – Penjabat Gubernur Papua, Ridwan Rumasukun memimpin rapat koordinasi \
Forkopimda di Gedung Negara Dok V Jayapura, Kamis (7/12/2023). Rapat dimulai pukul 10.00 WIT \
dan berakhir pukul 14.30 WIT.
Rapat ini dihadiri Kapolda Papua, Pangdam XVII/Cenderawasih, Kajati Papua, serta pimpinan \
KPU dan Bawaslu Papua.
"""


def test_wit_zone() -> None:
    r = extract(PAPUA)
    assert r["start_date"] == "2023-12-07"
    assert r["start_time"] == "10:00"
    assert r["timezone"] == "Asia/Jayapura"
    # Kota and Kabupaten Jayapura are both in Papua, and the text does not say which.
    assert r["city"] is None
    assert "Kabupaten Jayapura, Kota Jayapura" in warning(r, "place_ambiguous")["message"]
    assert r["province"] == "Papua"
    assert {"KPU Papua", "Bawaslu Papua", "Polda Papua", "Kodam XVII/Cenderawasih"} <= names(r)


KALBAR = """PONTIANAK - Pemprov Kalbar menggelar rakor Forkopimda se-Kalbar di Aula Garuda \
Kantor Gubernur Kalbar, Senin (15/1/2024) pukul 14.00 WIB. Rakor dipimpin Pj Gubernur Kalbar \
Harisson. Hadir Kapolda Kalbar, Pangdam XII/Tanjungpura dan Ketua DPRD Kalbar.
"""


def test_kalbar_wib_is_pontianak() -> None:
    r = extract(KALBAR)
    assert r["timezone"] == "Asia/Pontianak"
    assert r["start_date"] == "2024-01-15"
    assert r["venue_name"] == "Aula Garuda Kantor Gubernur Kalbar"
    assert r["province"] == "Kalimantan Barat"
    assert {"Pemprov Kalbar", "Polda Kalbar", "Kodam XII/Tanjungpura", "DPRD Kalbar"} == names(r)


def test_kalteng_without_time_uses_province_zone() -> None:
    text = (
        "PALANGKA RAYA - Kapolda Kalteng memimpin rakor pengamanan Pemilu di Aula Mapolda "
        "Kalteng, Rabu (17/1/2024). Hadir Ketua KPU Kalteng."
    )
    r = extract(text)
    assert r["timezone"] == "Asia/Pontianak"
    assert r["city"] == "Palangka Raya"


ACEH = """BANDA ACEH – Pemerintah Aceh menggelar rapat koordinasi Forkopimda jelang pemungutan \
suara Pilkada di Gedung Serbaguna Setda Aceh, Rabu (20/11/2024). Rakor dipimpin Pj Gubernur \
Aceh Safrizal. Hadir Kapolda Aceh, Pangdam Iskandar Muda, Ketua KIP Aceh dan Ketua Panwaslih \
Aceh. Ketua KPU juga memaparkan kesiapan logistik.
"""


def test_aceh_kip_and_panwaslih() -> None:
    r = extract(ACEH)
    assert {"KIP Aceh", "Panwaslih Aceh", "Polda Aceh", "Kodam Iskandar Muda"} <= names(r)
    assert "KPU Aceh" not in names(r)
    assert r["start_date"] == "2024-11-20"
    assert r["election"] == "Pilkada 2024"


PILKADA_AS_PEMILU = """KLIK-SULUT, Bitung – Pj Wali Kota Bitung memimpin rapat koordinasi \
Forkopimda di Ruang Sidang Wali Kota Bitung, Rabu (13/11/2024). Rapat membahas pengamanan \
pemilu yang akan berlangsung pada 27 November 2024. Hadir Kapolres Bitung AKBP Albert Zai, \
Dandim 1310/Bitung Letkol Inf Kariawan dan anggota Bawaslu.
"""


def test_pilkada_called_pemilu_and_local_agencies() -> None:
    r = extract(PILKADA_AS_PEMILU)
    assert r["election"] == "Pilkada 2024"
    assert r["city"] == "Bitung"
    assert r["province"] == "Sulawesi Utara"
    assert {"Pemkot Bitung", "Polres Bitung", "Kodim 1310/Bitung", "Bawaslu Bitung"} == names(r)
    assert roles(r, "Pemkot Bitung")[:2] == ["host", "chair"]


PLANNED = """Pemerintah Kabupaten Paser akan menggelar Rapat Koordinasi Forkopimda menjelang \
Pilkada 2024 pada Senin (18/11/2024) di Aula Kantor Bupati Paser. Rapat tersebut dijadwalkan \
dihadiri unsur Forkopimda dan penyelenggara pemilu.
"""


def test_planned_meeting_is_flagged() -> None:
    r = extract(PLANNED, published=date(2024, 11, 14))
    assert "scheduled_only" in codes(r)
    assert r["start_date"] == "2024-11-18"


def test_held_meeting_is_not_flagged_as_plan() -> None:
    assert "scheduled_only" not in codes(extract(JATENG))


def test_missing_year_from_publication_date() -> None:
    text = (
        "Bupati Berau memimpin rapat koordinasi Forkopimda di Ruang Rapat Sekretariat Daerah, "
        "Rabu (3/1). Rapat dihadiri Kapolres Berau dan Ketua KPU Berau."
    )
    r = extract(text, published=date(2024, 1, 5))
    assert r["start_date"] == "2024-01-03"
    assert warning(r, "year_inferred")["suggested_date"] == "2024-01-03"
    assert "Polres Berau" in names(r)


def test_missing_year_prefers_the_year_of_the_published_date_before_it() -> None:
    text = "Rakor Forkopimda digelar di Aula Polres, Jumat (29/12) malam."
    r = extract(text, published=date(2024, 1, 2))
    assert r["start_date"] == "2023-12-29"


def test_weekday_only_with_publication_date() -> None:
    text = (
        "Kapolda Sultra memimpin rapat koordinasi pengamanan pemilu di Mapolda Sultra, "
        "Kendari, Rabu."
    )
    r = extract(text, published=date(2024, 2, 9))
    assert r["start_date"] == "2024-02-07"
    assert warning(r, "weekday_only")["suggested_date"] == "2024-02-07"


def test_weekday_only_without_publication_date() -> None:
    text = "Kapolda Sultra memimpin rapat koordinasi di Mapolda Sultra, Rabu."
    r = extract(text)
    assert r["start_date"] is None
    assert "weekday_only" in codes(r)


def test_no_date_at_all() -> None:
    r = extract("Kapolda Sultra memimpin rapat koordinasi di Mapolda Sultra.")
    assert r["start_date"] is None
    assert "date_missing" in codes(r)


H3 = """KENDARI – Rakor kesiapan pengamanan H-3 pemungutan suara Pilkada digelar di Aula \
Mapolda Sultra, {wd} (24/11/2024). Rakor dipimpin Kapolda Sultra Irjen Pol Dwi Irianto."""


def test_h_minus_countdown_consistent() -> None:
    r = extract(H3.format(wd="Minggu"))
    assert r["start_date"] == "2024-11-24"
    assert "countdown_mismatch" not in codes(r)
    assert "weekday_mismatch" not in codes(r)


def test_h_minus_countdown_supports_suggestion() -> None:
    text = H3.format(wd="Senin").replace("(24/11/2024)", "(25/11/2024)").replace("Senin", "Minggu")
    r = extract(text)
    assert r["start_date"] == "2024-11-25"
    assert warning(r, "weekday_mismatch")["suggested_date"] == "2024-11-24"
    assert warning(r, "countdown_mismatch")["suggested_date"] == "2024-11-24"


def test_long_date_with_jumat_apostrophes() -> None:
    for wd in ("Jum'at", "Jum’at"):
        text = f"Rakor Forkopimda Kaltara digelar di Tanjung Selor pada {wd}, 13 Oktober 2023."
        r = extract(text)
        assert r["start_date"] == "2023-10-13"
        assert "weekday_mismatch" not in codes(r)


def test_part_of_day_and_colon_time() -> None:
    text = (
        "Rapat koordinasi Forkopimda Kalsel berlangsung di Hotel Rattan Inn Banjarmasin, "
        "Kamis malam (21/11/2024) pukul 19:30 WITA."
    )
    r = extract(text)
    assert r["start_date"] == "2024-11-21"
    assert r["start_time"] == "19:30"
    assert r["timezone"] == "Asia/Makassar"
    assert r["city"] == "Banjarmasin"


def test_relative_day_with_publication_date() -> None:
    text = (
        "Rapat koordinasi Forkopimda Bontang digelar hari ini di Pendopo Rumah Jabatan Wali Kota."
    )
    r = extract(text, published=date(2024, 11, 20))
    assert r["start_date"] == "2024-11-20"


def test_several_dates() -> None:
    text = (
        "Rakor Forkopimda pertama digelar di Aula Polda, Senin (4/11/2024). "
        "Rakor lanjutan digelar di Hotel Mercure, Kamis (14/11/2024)."
    )
    assert "several_dates" in codes(extract(text))


def test_countdown_words() -> None:
    text = (
        "Rakor Forkopimda digelar di Aula Kantor Gubernur, Senin (12/2/2024), "
        "tinggal dua hari lagi menjelang pemungutan suara Pemilu 14 Februari 2024."
    )
    r = extract(text)
    assert r["start_date"] == "2024-02-12"
    assert "countdown_mismatch" not in codes(r)


KODAM = """AMBON - Gubernur Maluku memimpin rakor Forkopimda di Lantai VII Kantor Gubernur Maluku, \
Kamis (10/10/2024). Hadir Pangdam XVI/Pattimura Mayjen TNI Syafrial dan Kapolda Maluku."""


def test_kodam_name_in_force_on_the_meeting_date() -> None:
    r = extract(KODAM)
    assert "Kodam XV/Pattimura" in names(r)
    assert "Kodam XVI/Pattimura" not in names(r)
    assert "kodam_mismatch" in codes(r)


def test_kodam_old_name_valid_before_renaming() -> None:
    r = extract(KODAM.replace("(10/10/2024)", "(12/10/2023)"))
    assert "Kodam XVI/Pattimura" in names(r)
    assert "kodam_mismatch" not in codes(r)


def test_kodam_number_not_matching_name() -> None:
    text = (
        "Rakor Forkopimda Kaltim dipimpin Pj Gubernur Kaltim di Samarinda, Senin (5/2/2024). "
        "Hadir Pangdam IX/Mulawarman."
    )
    r = extract(text)
    assert "Kodam VI/Mulawarman" in names(r)
    assert "IX" in warning(r, "kodam_mismatch")["message"]


HTML = """<html><head><title>Rakor Forkopimda Sulteng | Berita Palu</title>
<script>var x = "<p>Kapolda Bali</p>";</script></head><body>
<nav><ul><li>Beranda</li><li>Politik</li><li>Hukum</li></ul></nav>
<h1>Gubernur Sulteng Pimpin Rakor Forkopimda Jelang Pilkada</h1>
<p>PALU &ndash; Gubernur Sulteng Rusdy Mastura memimpin rapat koordinasi Forkopimda di Ruang
Polibu Kantor Gubernur Sulteng, Selasa (5/11/2024).</p>
<p><strong>BACA JUGA:</strong> <a href="/x">Kapolda Jatim Tinjau Gudang Logistik</a></p>
<p>Rakor dihadiri Kapolda Sulteng, Danrem 132/Tadulako dan Ketua KPU Sulteng.</p>
<div class="share">Share Facebook Twitter WhatsApp</div>
<aside><h3>Berita Terkait</h3><ul><li>Kejati NTT Tahan Tersangka</li></ul></aside>
<p>BERITA LAINNYA</p><p>Kejati Bali Gelar Sosialisasi</p>
<p>NASIONAL 3 hari ago</p><p>KPU Jabar Tetapkan DPT</p>
</body></html>"""


def test_html_with_menus_and_noise() -> None:
    r = extract(HTML)
    assert r["title"] == "Gubernur Sulteng Pimpin Rakor Forkopimda Jelang Pilkada"
    assert r["start_date"] == "2024-11-05"
    assert r["chair"]["name"] == "Rusdy Mastura"
    assert r["city"] == "Palu"
    assert {"Pemprov Sulteng", "Polda Sulteng", "Korem 132/Tadulako", "KPU Sulteng"} == names(r)


def test_unsafe_region_inference_leaves_office_without_region() -> None:
    text = (
        "SORONG – Pj Gubernur Papua Barat Daya memimpin rapat Forkopimda di Kota Sorong, "
        "Jumat (20/10/23). Rapat dihadiri Kabinda, Kepala Kejaksaan Tinggi dan Ketua KPU."
    )
    r = extract(text)
    # KPU Papua Barat Daya is not generated (no formation date is recorded), so the
    # registry has only the regionless KPU for it, never a body dated before it existed.
    assert {"Pemprov Papua Barat Daya", "Binda", "Kejati", "KPU"} <= names(r)


def test_representative_and_former_titles() -> None:
    text = (
        "Rakor dipimpin Kapolda NTB Irjen Pol Raden Umar di Mapolda NTB, Mataram, Selasa "
        "(8/10/2024). Asintel Kejati NTB hadir mewakili Kajati. Mantan Kapolda Bali ini "
        "menegaskan netralitas."
    )
    r = extract(text)
    assert {"Polda NTB", "Kejati NTB"} == names(r)
    assert r["chair"]["name"] == "Raden Umar"


def test_names_stripped_of_ranks_and_degrees() -> None:
    text = (
        "Rakor dipimpin Bupati Kutai Kartanegara, Dr. H. Edi Damansyah, S.H., M.Si. di "
        "Pendopo Odah Etam, Tenggarong, Senin (4/11/2024). Hadir Kapolres Kukar AKBP "
        "Heri Rusyaman, S.I.K., M.H."
    )
    r = extract(text)
    assert r["chair"]["name"] == "Edi Damansyah"
    assert "Pemkab Kutai Kartanegara" in names(r)
    assert "Polres Kutai Kartanegara" in names(r)
