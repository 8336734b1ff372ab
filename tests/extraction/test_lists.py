"""Attendance lists: long names with abbreviations, careless case, collectives, offices.

Each release is invented for the pattern it tests, in the genre's style.
"""

from __future__ import annotations

from tracker.press.extraction import extract

from .helpers import names

LONG_NAMES = """SEMARANG – Rakor Desk Pilkada digelar di Gedung Gradhika Bhakti Praja, Selasa \
(9/7/2024). Acara dihadiri Wakil Kepala Kepolisian Daerah (Wakapolda) Jateng, Kepala \
Kejaksaan Tinggi (Kajati) Jateng dan Kepala Badan Kesatuan Bangsa dan Politik (Kesbangpol) \
Provinsi Jateng.
Sekretaris Daerah (Sekda) Jawa Tengah, Sumarno dalam sambutannya mengatakan kesiapan daerah \
sudah matang.
"""


def test_bracketed_abbreviations_between_body_and_region() -> None:
    r = extract(LONG_NAMES)
    assert {"Polda Jateng", "Kejati Jateng", "Kesbangpol Jateng", "Pemprov Jateng"} <= names(r)
    assert "Kesbangpol" not in names(r)
    speaker = next(s for s in r["speakers"] if s["agency"] == "Pemprov Jateng")
    assert speaker["name"] == "Sumarno"


CARELESS = """KENDARI – Rakor Forkopimda digelar di salah satu hotel di Kota Kendari, Kamis \
(28/12/2023). Rakor dihadiri ketua DPRD Sulawesi tenggara, Kapolda, ketua pengadilan tinggi \
agama Sultra, Ketua Bawaslu Prov Sultra, Bupati dan wali kota Se- Sulawesi tenggara.
"""


def test_lower_cased_regions_prov_and_a_collective_list() -> None:
    r = extract(CARELESS)
    assert {"DPRD Sultra", "PTA Sultra", "Bawaslu Sultra", "Polda Sultra"} <= names(r)
    # "Bupati dan wali kota se-Sultra" is a group, not a regency's government.
    assert not any(n.startswith(("Pemkab", "Pemkot")) for n in names(r))
    assert not any("Se-" in n for n in names(r))


def test_regency_officials_listed_before_se_are_the_collective() -> None:
    text = (
        "Rakor Forkopimda Jateng digelar di Semarang, Selasa (9/7/2024), dihadiri Pj Gubernur "
        "Jawa Tengah, Ketua DPRD Jateng, Bupati/Wali Kota, Kapolres, dan Dandim se-Provinsi "
        "Jawa Tengah."
    )
    r = extract(text)
    assert {"Pemprov Jateng", "DPRD Jateng"} == names(r)


def test_kab_kota_jajaran_is_a_collective() -> None:
    text = (
        "Rakor lintas sektoral digelar di Pekanbaru, Senin (19/8/2024). Hadir Ketua Bawaslu "
        "Prov Riau beserta Ketua Bawaslu Kab/Kota Jajaran Prov Riau dan Kasatpol PP Prov Riau."
    )
    r = extract(text)
    assert {"Bawaslu Riau", "Satpol PP Riau"} == names(r)
    assert all(s["name"] != "Prov Riau" for s in r["speakers"])


def test_provincial_offices_the_registry_lacks_when_their_region_is_written() -> None:
    text = (
        "SORONG – Pj Gubernur Papua Barat Daya memimpin rapat Forkopimda di Kota Sorong, "
        "Jumat (20/10/23). Rapat dihadiri Kalaksa BPBD Papua Barat Daya, Kakanwil Kemenkumham "
        "Papua Barat Daya, Ketua KPU dan Bawaslu Papua Barat Daya."
    )
    r = extract(text)
    assert {
        "BPBD Papua Barat Daya",
        "Kanwil Kemenkumham Papua Barat Daya",
        "KPU Papua Barat Daya",
        "Bawaslu Papua Barat Daya",
    } <= names(r)


def test_regency_offices_from_templates() -> None:
    text = (
        "KUNINGAN – Apel gelar pasukan dipimpin Kapolres Kuningan di halaman Mapolres "
        "Kuningan, Selasa (17/10/2023). Hadir Kadishub Kuningan Beni dan Kalaksa BPBD Kuningan."
    )
    assert {"Dishub Kuningan", "BPBD Kuningan", "Polres Kuningan"} <= names(extract(text))
