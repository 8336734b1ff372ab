"""Regency and city bodies named as the catalogue names them, from names as people write them.

Short releases written for these tests (issue 13): abbreviations from region_names.csv
("Kapolres Inhu", "Bupati Kukar"), head titles with their region, Kota/Kabupaten words,
the police resorts' own forms ("Polres Bima Kota", "Polres Metro Bekasi"), datelines,
and the Kodim of kodim.csv. Each case's id is the region's Kemendagri code: every body
found must be a catalogue body of that region, so the intake can map it.
"""

from __future__ import annotations

from datetime import date

import pytest

from tracker import reference
from tracker.agencies import catalogue
from tracker.press.extraction import data, extract

from .helpers import codes, names, warning

PUBLISHED = date(2024, 11, 7)

ABBREVIATED = [
    pytest.param(
        "14.02",
        "RENGAT – Kapolres Inhu AKBP Arif Setiawan memimpin rapat koordinasi pengamanan Pilkada "
        "2024 di Aula Mapolres, Senin (4/11/2024). Rakor dihadiri Bupati Inhu dan Ketua KPU Inhu.",
        ("Indragiri Hulu", "Riau"),
        {"KPU Indragiri Hulu", "Pemkab Indragiri Hulu", "Polres Indragiri Hulu"},
        id="14.02",
    ),
    pytest.param(
        "14.04",
        "Bupati Inhil membuka rapat koordinasi kesiapan Pilkada di Gedung Engku Kelana, Selasa "
        "(5/11/2024), bersama Kapolres Inhil dan Kajari Inhil.",
        ("Indragiri Hilir", "Riau"),
        {"Kejari Indragiri Hilir", "Pemkab Indragiri Hilir", "Polres Indragiri Hilir"},
        id="14.04",
    ),
    pytest.param(
        "14.06",
        "Pemkab Rohul menggelar rakor netralitas ASN di Aula Setda, Rabu (6/11/2024). Hadir "
        "Kapolres Rohul dan Ketua Bawaslu Rohul.",
        ("Rokan Hulu", "Riau"),
        {"Bawaslu Rokan Hulu", "Pemkab Rokan Hulu", "Polres Rokan Hulu"},
        id="14.06",
    ),
    pytest.param(
        "12.13",
        "PANYABUNGAN – Polres Madina menggelar rapat koordinasi lintas sektoral, Kamis "
        "(31/10/2024). Rakor dihadiri Bupati Madina dan Ketua KPU Madina.",
        ("Mandailing Natal", "Sumatera Utara"),
        {"KPU Mandailing Natal", "Pemkab Mandailing Natal", "Polres Mandailing Natal"},
        id="12.13",
    ),
    pytest.param(
        "12.18",
        "Kapolres Sergai AKBP Rudi Hartono membuka rakor pengamanan tahapan kampanye di Mapolres, "
        "Senin (4/11/2024), didampingi Ketua Bawaslu Sergai.",
        ("Serdang Bedagai", "Sumatera Utara"),
        {"Bawaslu Serdang Bedagai", "Polres Serdang Bedagai"},
        id="12.18",
    ),
    pytest.param(
        "13.01",
        "Bupati Pessel memimpin rapat koordinasi Forkopimda di Painan, Selasa (5/11/2024). Hadir "
        "Kapolres Pessel dan Ketua KPU Pessel.",
        ("Pesisir Selatan", "Sumatera Barat"),
        {"KPU Pesisir Selatan", "Pemkab Pesisir Selatan", "Polres Pesisir Selatan"},
        id="13.01",
    ),
    pytest.param(
        "13.12",
        "Rakor kesiapan logistik Pilkada digelar KPU Pasbar di Simpang Empat, Rabu (6/11/2024), "
        "dihadiri Kapolres Pasbar.",
        ("Pasaman Barat", "Sumatera Barat"),
        {"KPU Pasaman Barat", "Polres Pasaman Barat"},
        id="13.12",
    ),
    pytest.param(
        "15.06",
        "KUALA TUNGKAL – Polres Tanjabbar menggelar rapat koordinasi pengamanan Pilkada, Kamis "
        "(31/10/2024). Hadir Bupati Tanjabbar dan Ketua Bawaslu Tanjabbar.",
        ("Tanjung Jabung Barat", "Jambi"),
        {
            "Bawaslu Tanjung Jabung Barat",
            "Pemkab Tanjung Jabung Barat",
            "Polres Tanjung Jabung Barat",
        },
        id="15.06",
    ),
    pytest.param(
        "16.02",
        "Bupati OKI membuka rakor kesiapan Pilkada di Kayuagung, Senin (4/11/2024), bersama "
        "Kapolres OKI dan Ketua KPU OKI.",
        ("Ogan Komering Ilir", "Sumatera Selatan"),
        {"KPU Ogan Komering Ilir", "Pemkab Ogan Komering Ilir", "Polres Ogan Komering Ilir"},
        id="16.02",
    ),
    pytest.param(
        "16.12",
        "Rapat koordinasi digelar di ruang vidcon Polres PALI, Selasa (5/11/2024), dihadiri Pemkab "
        "PALI, KPU PALI dan Bawaslu PALI.",
        ("Penukal Abab Lematang Ilir", "Sumatera Selatan"),
        {
            "Bawaslu Penukal Abab Lematang Ilir",
            "KPU Penukal Abab Lematang Ilir",
            "Pemkab Penukal Abab Lematang Ilir",
            "Polres Penukal Abab Lematang Ilir",
        },
        id="16.12",
    ),
    pytest.param(
        "16.06",
        "SEKAYU – Kapolres Muba memimpin rakor lintas sektoral, Rabu (6/11/2024), bersama Kajari "
        "Muba dan Ketua Bawaslu Muba.",
        ("Musi Banyuasin", "Sumatera Selatan"),
        {"Bawaslu Musi Banyuasin", "Kejari Musi Banyuasin", "Polres Musi Banyuasin"},
        id="16.06",
    ),
    pytest.param(
        "18.01",
        "Pemkab Lamsel menggelar rakor Desk Pilkada di Kalianda, Kamis (31/10/2024). Rakor "
        "dihadiri Kapolres Lamsel dan Ketua KPU Lamsel.",
        ("Lampung Selatan", "Lampung"),
        {"KPU Lampung Selatan", "Pemkab Lampung Selatan", "Polres Lampung Selatan"},
        id="18.01",
    ),
    pytest.param(
        "18.05",
        "Bupati Tuba membuka rapat koordinasi pengamanan Pilkada di Menggala, Senin (4/11/2024), "
        "didampingi Kapolres Tuba.",
        ("Tulang Bawang", "Lampung"),
        {"Pemkab Tulang Bawang", "Polres Tulang Bawang"},
        id="18.05",
    ),
    pytest.param(
        "19.03",
        "TOBOALI – Rakor kesiapan pemungutan suara digelar KPU Basel, Selasa (5/11/2024), dihadiri "
        "Kapolres Basel dan Ketua Bawaslu Basel.",
        ("Bangka Selatan", "Kepulauan Bangka Belitung"),
        {"Bawaslu Bangka Selatan", "KPU Bangka Selatan", "Polres Bangka Selatan"},
        id="19.03",
    ),
    pytest.param(
        "31.73",
        "Kapolres Metro Jakbar Kombes Bagus Wicaksono memimpin rakor pengamanan Pilkada di "
        "Kembangan, Rabu (6/11/2024), bersama Ketua KPU Jakbar dan Kajari Jakbar.",
        ("Jakarta Barat", "DKI Jakarta"),
        {"KPU Jakarta Barat", "Kejari Jakarta Barat", "Polres Metro Jakarta Barat"},
        id="31.73",
    ),
    pytest.param(
        "32.17",
        "Pemkab KBB menggelar rapat koordinasi kesiapan Pilkada di Ngamprah, Kamis (31/10/2024). "
        "Hadir Ketua KPU KBB dan Ketua Bawaslu KBB.",
        ("Bandung Barat", "Jawa Barat"),
        {"Bawaslu Bandung Barat", "KPU Bandung Barat", "Pemkab Bandung Barat"},
        id="32.17",
    ),
    pytest.param(
        "36.74",
        "Wali Kota Tangsel membuka rakor netralitas ASN di Puspemkot, Senin (4/11/2024), bersama "
        "Ketua KPU Tangsel dan Ketua Bawaslu Tangsel.",
        ("Tangerang Selatan", "Banten"),
        {"Bawaslu Tangerang Selatan", "KPU Tangerang Selatan", "Pemkot Tangerang Selatan"},
        id="36.74",
    ),
    pytest.param(
        "52.01",
        "Bupati Lobar memimpin rakor pengamanan Pilkada di Gerung, Selasa (5/11/2024). Hadir "
        "Kapolres Lobar dan Ketua KPU Lobar.",
        ("Lombok Barat", "Nusa Tenggara Barat"),
        {"KPU Lombok Barat", "Pemkab Lombok Barat", "Polres Lombok Barat"},
        id="52.01",
    ),
    pytest.param(
        "52.03",
        "SELONG – Polres Lotim menggelar rakor lintas sektoral, Rabu (6/11/2024), bersama Pemkab "
        "Lotim dan Bawaslu Lotim.",
        ("Lombok Timur", "Nusa Tenggara Barat"),
        {"Bawaslu Lombok Timur", "Pemkab Lombok Timur", "Polres Lombok Timur"},
        id="52.03",
    ),
    pytest.param(
        "53.02",
        "Bupati TTS membuka rapat koordinasi kesiapan Pilkada di Soe, Kamis (31/10/2024), dihadiri "
        "Kapolres TTS dan Ketua KPU TTS.",
        ("Timor Tengah Selatan", "Nusa Tenggara Timur"),
        {"KPU Timor Tengah Selatan", "Pemkab Timor Tengah Selatan", "Polres Timor Tengah Selatan"},
        id="53.02",
    ),
    pytest.param(
        "53.15",
        "LABUAN BAJO – Kapolres Mabar AKBP Yosef Bata memimpin rakor pengamanan, Senin "
        "(4/11/2024), bersama Bupati Mabar.",
        ("Manggarai Barat", "Nusa Tenggara Timur"),
        {"Pemkab Manggarai Barat", "Polres Manggarai Barat"},
        id="53.15",
    ),
    pytest.param(
        "62.02",
        "Bupati Kotim membuka rakor Forkopimda di Sampit, Selasa (5/11/2024), didampingi Kapolres "
        "Kotim dan Ketua Bawaslu Kotim.",
        ("Kotawaringin Timur", "Kalimantan Tengah"),
        {"Bawaslu Kotawaringin Timur", "Pemkab Kotawaringin Timur", "Polres Kotawaringin Timur"},
        id="62.02",
    ),
    pytest.param(
        "62.12",
        "PURUK CAHU – Kapolres Mura memimpin rapat koordinasi kesiapan Pilkada serentak di "
        "Kalimantan Tengah, Rabu (6/11/2024), bersama Bupati Mura dan Ketua KPU Mura.",
        ("Murung Raya", "Kalimantan Tengah"),
        {"KPU Murung Raya", "Pemkab Murung Raya", "Polres Murung Raya"},
        id="62.12",
    ),
    pytest.param(
        "63.10",
        "Pemkab Tanbu menggelar rakor pengamanan Pilkada di Batulicin, Kamis (31/10/2024). Hadir "
        "Kapolres Tanbu dan Kajari Tanbu.",
        ("Tanah Bumbu", "Kalimantan Selatan"),
        {"Kejari Tanah Bumbu", "Pemkab Tanah Bumbu", "Polres Tanah Bumbu"},
        id="63.10",
    ),
    pytest.param(
        "64.02",
        "TENGGARONG – Bupati Kukar memimpin rakor kesiapan Pilkada, Senin (4/11/2024), bersama "
        "Kapolres Kukar dan Dandim 0906/Tenggarong.",
        ("Tenggarong", "Kalimantan Timur"),
        {"Kodim 0906/Kutai Kartanegara", "Pemkab Kutai Kartanegara", "Polres Kutai Kartanegara"},
        id="64.02",
    ),
    pytest.param(
        "64.08",
        "Rakor lintas sektoral digelar Polres Kutim di Sangatta, Selasa (5/11/2024), dihadiri "
        "Bupati Kutim dan Ketua KPU Kutim.",
        ("Kutai Timur", "Kalimantan Timur"),
        {"KPU Kutai Timur", "Pemkab Kutai Timur", "Polres Kutai Timur"},
        id="64.08",
    ),
    pytest.param(
        "64.09",
        "Bupati PPU membuka rapat koordinasi di Penajam, Rabu (6/11/2024), bersama Kapolres PPU "
        "dan Ketua Bawaslu PPU.",
        ("Penajam Paser Utara", "Kalimantan Timur"),
        {"Bawaslu Penajam Paser Utara", "Pemkab Penajam Paser Utara", "Polres Penajam Paser Utara"},
        id="64.09",
    ),
    pytest.param(
        "71.01",
        "Pemkab Bolmong menggelar rakor kesiapan Pilkada di Lolak, Kamis (31/10/2024). Hadir "
        "Kapolres Bolmong dan Ketua KPU Bolmong.",
        ("Bolaang Mongondow", "Sulawesi Utara"),
        {"KPU Bolaang Mongondow", "Pemkab Bolaang Mongondow", "Polres Bolaang Mongondow"},
        id="71.01",
    ),
    pytest.param(
        "71.06",
        "AIRMADIDI – Kapolres Minut memimpin rakor pengamanan Pilkada, Senin (4/11/2024), bersama "
        "Bupati Minut dan Ketua Bawaslu Minut.",
        ("Minahasa Utara", "Sulawesi Utara"),
        {"Bawaslu Minahasa Utara", "Pemkab Minahasa Utara", "Polres Minahasa Utara"},
        id="71.06",
    ),
    pytest.param(
        "73.14",
        "Bupati Sidrap membuka rakor netralitas ASN di Pangkajene, Selasa (5/11/2024), didampingi "
        "Kapolres Sidrap dan Kajari Sidrap.",
        ("Sidenreng Rappang", "Sulawesi Selatan"),
        {"Kejari Sidenreng Rappang", "Pemkab Sidenreng Rappang", "Polres Sidenreng Rappang"},
        id="73.14",
    ),
    pytest.param(
        "73.10",
        "Rakor kesiapan Pilkada digelar KPU Pangkep, Rabu (6/11/2024), dihadiri Kapolres Pangkep "
        "dan Bupati Pangkep.",
        ("Pangkajene dan Kepulauan", "Sulawesi Selatan"),
        {
            "KPU Pangkajene dan Kepulauan",
            "Pemkab Pangkajene dan Kepulauan",
            "Polres Pangkajene dan Kepulauan",
        },
        id="73.10",
    ),
    pytest.param(
        "74.05",
        "ANDOOLO – Polres Konsel menggelar rakor lintas sektoral, Kamis (31/10/2024), bersama "
        "Pemkab Konsel dan Bawaslu Konsel.",
        ("Konawe Selatan", "Sulawesi Tenggara"),
        {"Bawaslu Konawe Selatan", "Pemkab Konawe Selatan", "Polres Konawe Selatan"},
        id="74.05",
    ),
    pytest.param(
        "75.05",
        "Bupati Gorut memimpin rakor pengamanan Pilkada di Kwandang, Senin (4/11/2024), bersama "
        "Kapolres Gorut dan Ketua KPU Gorut.",
        ("Gorontalo Utara", "Gorontalo"),
        {"KPU Gorontalo Utara", "Pemkab Gorontalo Utara", "Polres Gorontalo Utara"},
        id="75.05",
    ),
    pytest.param(
        "76.04",
        "Kapolres Polman AKBP Hendra Saputra membuka rakor kesiapan Pilkada di Mapolres, Selasa "
        "(5/11/2024), dihadiri Ketua Bawaslu Polman.",
        ("Polewali Mandar", "Sulawesi Barat"),
        {"Bawaslu Polewali Mandar", "Polres Polewali Mandar"},
        id="76.04",
    ),
    pytest.param(
        "81.01",
        "MASOHI – Bupati Malteng membuka rapat koordinasi Forkopimda, Rabu (6/11/2024), didampingi "
        "Kapolres Malteng dan Ketua KPU Malteng.",
        ("Maluku Tengah", "Maluku"),
        {"KPU Maluku Tengah", "Pemkab Maluku Tengah", "Polres Maluku Tengah"},
        id="81.01",
    ),
    pytest.param(
        "82.03",
        "Pemkab Halut menggelar rakor kesiapan Pilkada di Tobelo, Kamis (31/10/2024). Hadir "
        "Kapolres Halut dan Ketua Bawaslu Halut.",
        ("Halmahera Utara", "Maluku Utara"),
        {"Bawaslu Halmahera Utara", "Pemkab Halmahera Utara", "Polres Halmahera Utara"},
        id="82.03",
    ),
    pytest.param(
        "72.08",
        "PARIGI – Kapolres Parimo memimpin rakor pengamanan Pilkada, Senin (4/11/2024), bersama "
        "Bupati Parimo dan Ketua KPU Parimo.",
        ("Parigi Moutong", "Sulawesi Tengah"),
        {"KPU Parigi Moutong", "Pemkab Parigi Moutong", "Polres Parigi Moutong"},
        id="72.08",
    ),
    pytest.param(
        "12.72",
        "Wali Kota Siantar membuka rakor netralitas ASN di Balai Kota, Selasa (5/11/2024), "
        "didampingi Ketua KPU Siantar.",
        ("Pematangsiantar", "Sumatera Utara"),
        {"KPU Pematangsiantar", "Pemkot Pematangsiantar"},
        id="12.72",
    ),
    pytest.param(
        "64.72",
        "Kapolresta Samarinda Kombes Dedi Kurnia memimpin rakor pengamanan Pilkada di Mapolresta, "
        "Rabu (6/11/2024), bersama Dandim 0901/Samarinda dan Ketua KPU Samarinda.",
        ("Samarinda", "Kalimantan Timur"),
        {"KPU Samarinda", "Kodim 0901/Samarinda", "Polresta Samarinda"},
        id="64.72",
    ),
]

PAIRS = [
    pytest.param(
        "52.06",
        "Bupati Bima membuka rakor pengamanan Pilkada di Woha, Senin (4/11/2024), didampingi "
        "Kapolres Bima dan Ketua KPU Kabupaten Bima.",
        ("Bima", "Nusa Tenggara Barat"),
        {"KPU Kab. Bima", "Pemkab Bima", "Polres Bima"},
        id="52.06",
    ),
    pytest.param(
        "52.72",
        "Wali Kota Bima memimpin rakor pengamanan Pilkada di Aula Pemkot, Senin (4/11/2024), "
        "bersama Kapolres Bima Kota dan Ketua KPU Kota Bima.",
        ("Bima", "Nusa Tenggara Barat"),
        {"KPU Kota Bima", "Pemkot Bima", "Polres Bima Kota"},
        id="52.72",
    ),
    pytest.param(
        "32.16",
        "Pemkab Bekasi menggelar rakor kesiapan Pilkada di Cikarang, Selasa (5/11/2024), dihadiri "
        "Kapolres Metro Bekasi dan Ketua Bawaslu Kabupaten Bekasi.",
        ("Bekasi", "Jawa Barat"),
        {"Bawaslu Kab. Bekasi", "Pemkab Bekasi", "Polres Metro Bekasi"},
        id="32.16",
    ),
    pytest.param(
        "32.75",
        "Rakor kesiapan Pilkada digelar Pemkot Bekasi, Selasa (5/11/2024), dihadiri Kapolres Metro "
        "Bekasi Kota dan Ketua Bawaslu Kota Bekasi.",
        ("Bekasi", "Jawa Barat"),
        {"Bawaslu Kota Bekasi", "Pemkot Bekasi", "Polres Metro Bekasi Kota"},
        id="32.75",
    ),
    pytest.param(
        "32.01",
        "Bupati Bogor memimpin rapat koordinasi di Cibinong, Rabu (6/11/2024), bersama Kapolres "
        "Bogor dan Kajari Kabupaten Bogor.",
        ("Bogor", "Jawa Barat"),
        {"Kejari Kab. Bogor", "Pemkab Bogor", "Polres Bogor"},
        id="32.01",
    ),
    pytest.param(
        "32.71",
        "Wali Kota Bogor membuka rapat koordinasi di Balai Kota, Rabu (6/11/2024), bersama "
        "Kapolresta Bogor Kota dan Kajari Kota Bogor.",
        ("Bogor", "Jawa Barat"),
        {"Kejari Kota Bogor", "Pemkot Bogor", "Polresta Bogor Kota"},
        id="32.71",
    ),
    pytest.param(
        "35.07",
        "KEPANJEN – Bupati Malang membuka rakor Forkopimda, Kamis (31/10/2024), didampingi "
        "Kapolres Malang dan Ketua KPU Kabupaten Malang.",
        ("Malang", "Jawa Timur"),
        {"KPU Kab. Malang", "Pemkab Malang", "Polres Malang"},
        id="35.07",
    ),
    pytest.param(
        "35.73",
        "Wali Kota Malang memimpin rakor Forkopimda di Balai Kota, Kamis (31/10/2024), didampingi "
        "Kapolresta Malang Kota dan Ketua KPU Kota Malang.",
        ("Malang", "Jawa Timur"),
        {"KPU Kota Malang", "Pemkot Malang", "Polresta Malang Kota"},
        id="35.73",
    ),
    pytest.param(
        "35.06",
        "Pemkab Kediri menggelar rakor netralitas ASN, Senin (4/11/2024), dihadiri Kapolres Kediri "
        "dan Ketua Bawaslu Kabupaten Kediri.",
        ("Kediri", "Jawa Timur"),
        {"Bawaslu Kab. Kediri", "Pemkab Kediri", "Polres Kediri"},
        id="35.06",
    ),
    pytest.param(
        "35.71",
        "Pemkot Kediri menggelar rakor netralitas ASN, Senin (4/11/2024), dihadiri Kapolres Kediri "
        "Kota dan Ketua Bawaslu Kota Kediri.",
        ("Kediri", "Jawa Timur"),
        {"Bawaslu Kota Kediri", "Pemkot Kediri", "Polres Kediri Kota"},
        id="35.71",
    ),
    pytest.param(
        "13.02",
        "Bupati Solok membuka rakor pengamanan Pilkada di Arosuka, Selasa (5/11/2024), bersama "
        "Kapolres Solok dan Ketua KPU Kabupaten Solok.",
        ("Solok", "Sumatera Barat"),
        {"KPU Kab. Solok", "Pemkab Solok", "Polres Solok"},
        id="13.02",
    ),
    pytest.param(
        "13.72",
        "Wali Kota Solok membuka rakor pengamanan Pilkada, Selasa (5/11/2024), bersama Kapolres "
        "Solok Kota dan Ketua KPU Kota Solok.",
        ("Solok", "Sumatera Barat"),
        {"KPU Kota Solok", "Pemkot Solok", "Polres Solok Kota"},
        id="13.72",
    ),
    pytest.param(
        "53.01",
        "Bupati Kupang memimpin rakor kesiapan Pilkada di Oelamasi, Rabu (6/11/2024), didampingi "
        "Kapolres Kupang dan Ketua Bawaslu Kabupaten Kupang.",
        ("Kupang", "Nusa Tenggara Timur"),
        {"Bawaslu Kab. Kupang", "Pemkab Kupang", "Polres Kupang"},
        id="53.01",
    ),
    pytest.param(
        "53.71",
        "Penjabat Wali Kota Kupang memimpin rakor kesiapan Pilkada, Rabu (6/11/2024), didampingi "
        "Kapolresta Kupang Kota dan Ketua Bawaslu Kota Kupang.",
        ("Kupang", "Nusa Tenggara Timur"),
        {"Bawaslu Kota Kupang", "Pemkot Kupang", "Polresta Kupang Kota"},
        id="53.71",
    ),
    pytest.param(
        "96.01",
        "Bupati Sorong membuka rakor Forkopimda di Aimas, Kamis (31/10/2024), bersama Kapolres "
        "Sorong dan Ketua KPU Kabupaten Sorong.",
        ("Sorong", "Papua Barat Daya"),
        {"KPU Kab. Sorong", "Pemkab Sorong", "Polres Sorong"},
        id="96.01",
    ),
    pytest.param(
        "96.71",
        "Pj Wali Kota Sorong membuka rakor Forkopimda, Kamis (31/10/2024), bersama Kapolresta "
        "Sorong Kota dan Ketua KPU Kota Sorong.",
        ("Sorong", "Papua Barat Daya"),
        {"KPU Kota Sorong", "Pemkot Sorong", "Polresta Sorong Kota"},
        id="96.71",
    ),
]


def _check(code: str, text: str, place: tuple[str, str], agencies: set[str]) -> None:
    r = extract(text, PUBLISHED)
    assert (r["city"], r["province"]) == place
    assert names(r) == agencies
    # Each name is a catalogue body of the region, and of that region only.
    assert {n: [b.region_code for b in catalogue.named(n)] for n in agencies} == {
        n: [code] for n in agencies
    }
    assert "place_ambiguous" not in codes(r)


@pytest.mark.parametrize(("code", "text", "place", "agencies"), ABBREVIATED)
def test_abbreviations_and_head_titles_name_catalogue_bodies(
    code: str, text: str, place: tuple[str, str], agencies: set[str]
) -> None:
    _check(code, text, place, agencies)


def test_cases_cover_thirty_regions_in_fifteen_provinces() -> None:
    regions = {p.values[0] for p in ABBREVIATED}
    assert len(regions) >= 30
    assert len({str(c).split(".")[0] for c in regions}) >= 15


@pytest.mark.parametrize(("code", "text", "place", "agencies"), PAIRS)
def test_kabupaten_and_kota_sharing_a_name_are_told_apart(
    code: str, text: str, place: tuple[str, str], agencies: set[str]
) -> None:
    _check(code, text, place, agencies)


BARE = [
    pytest.param(
        "Rakor pengamanan digelar di Bima, Senin (4/11/2024). Ketua KPU Bima dan Ketua "
        "Bawaslu Bima hadir dalam rapat tersebut.",
        "Nusa Tenggara Barat",
        {"KPU Bima", "Bawaslu Bima"},
        "Kabupaten Bima, Kota Bima",
        id="bima",
    ),
    pytest.param(
        "Rakor kesiapan Pilkada digelar di Kupang, Selasa (5/11/2024), dihadiri Ketua KPU "
        "Kupang dan Kajari Kupang.",
        "Nusa Tenggara Timur",
        {"KPU Kupang", "Kejari Kupang"},
        "Kabupaten Kupang, Kota Kupang",
        id="kupang",
    ),
    pytest.param(
        "Rapat koordinasi Pilkada digelar di Blitar, Rabu (6/11/2024). Ketua Bawaslu Blitar "
        "dan Ketua KPU Blitar memaparkan kesiapan tahapan.",
        "Jawa Timur",
        {"Bawaslu Blitar", "KPU Blitar"},
        "Kabupaten Blitar, Kota Blitar",
        id="blitar",
    ),
]


@pytest.mark.parametrize(("text", "province", "agencies", "both"), BARE)
def test_a_bare_shared_name_leaves_the_region_blank(
    text: str, province: str, agencies: set[str], both: str
) -> None:
    r = extract(text, PUBLISHED)
    assert (r["city"], r["province"]) == (None, province)
    assert both in warning(r, "place_ambiguous")["message"]
    # The bodies stay as printed: no catalogue body answers to them, so none is guessed.
    assert names(r) == agencies
    assert all(catalogue.named(n) == [] for n in agencies)


def test_a_prefix_elsewhere_in_the_text_settles_the_shared_name() -> None:
    r = extract(
        "Pemkab Bima menggelar rakor kesiapan Pilkada di Woha, Senin (4/11/2024). Ketua KPU "
        "Bima dan Ketua Bawaslu Bima hadir.",
        PUBLISHED,
    )
    assert (r["city"], r["province"]) == ("Bima", "Nusa Tenggara Barat")
    assert names(r) == {"Pemkab Bima", "KPU Kab. Bima", "Bawaslu Kab. Bima"}
    assert "place_ambiguous" not in codes(r)


def test_an_abbreviation_two_provinces_share_needs_the_province() -> None:
    # "Mura" is Murung Raya (Kalteng) and Musi Rawas (Sumsel); the 62.12 case names Kalteng.
    r = extract(
        "Kapolres Mura AKBP Rahmat memimpin rakor kesiapan Pilkada, Rabu (6/11/2024), bersama "
        "Ketua KPU Mura.",
        PUBLISHED,
    )
    assert (r["city"], r["province"]) == (None, None)
    message = warning(r, "place_ambiguous")["message"]
    assert "Kabupaten Murung Raya (Kalimantan Tengah)" in message
    assert "Kabupaten Musi Rawas (Sumatera Selatan)" in message
    assert names(r) == {"Polres Mura", "KPU Mura"}
    assert all(len(catalogue.named(n)) != 1 for n in names(r))


def test_a_dateline_town_names_the_regency_of_bare_titles() -> None:
    r = extract(
        "MUARA TEWEH – Rapat koordinasi pengamanan Pilkada 2024 digelar di Aula Setda, Senin "
        "(4/11/2024). Rakor dipimpin Kapolres AKBP Made Suarta dan dihadiri Ketua KPU.",
        PUBLISHED,
    )
    assert (r["city"], r["province"]) == ("Muara Teweh", "Kalimantan Tengah")
    assert names(r) == {"Polres Barito Utara", "KPU Barito Utara"}


def test_a_host_names_the_regency_of_bare_titles() -> None:
    r = extract(
        "Pemkab Barito Utara menggelar rakor pengamanan Pilkada, Senin (4/11/2024). Kapolres "
        "AKBP Made Suarta dan Kajari turut hadir.",
        PUBLISHED,
    )
    assert (r["city"], r["province"]) == ("Barito Utara", "Kalimantan Tengah")
    assert names(r) == {"Pemkab Barito Utara", "Polres Barito Utara", "Kejari Barito Utara"}


def test_kodim_from_kodim_csv_or_as_printed() -> None:
    r = extract(
        "Rakor pengamanan Pilkada digelar di Tenggarong, Senin (4/11/2024), dihadiri Dandim "
        "0906/Tenggarong, Dandim 0901/Balikpapan, Dandim 1303/Bolaang Mongondow dan Dandim 0999.",
        PUBLISHED,
    )
    assert {n for n in names(r) if n.startswith("Kodim")} == {
        "Kodim 0906/Kutai Kartanegara",  # kodim.csv lists 0906/Tenggarong as an alias
        "Kodim 0901/Balikpapan",  # 0901 is Samarinda's: the printed name is not changed
        "Kodim 1303/Bolaang Mongondow",  # Sulut: not in kodim.csv
        "Kodim 0999",  # no such Kodim in kodim.csv
    }
    assert catalogue.named("Kodim 0901/Balikpapan") == []


def test_administrative_city_and_free_text_abbreviations() -> None:
    r = extract(
        "Rakor digelar di Benteng Kuto Besak, Palembang, Senin (4/11/2024), dihadiri Kapolda "
        "Sumsel dan Kajari Kota Administrasi Jakarta Barat.",
        PUBLISHED,
    )
    # "Benteng" (Bengkulu Tengah) is read only after a body or title, never in a venue.
    assert (r["city"], r["province"]) == ("Palembang", "Sumatera Selatan")
    assert names(r) == {"Polda Sumsel", "Kejari Jakarta Barat"}


def test_towns_lie_in_the_regency_cities_csv_gives() -> None:
    districts = {d.code: d for d in reference.districts()}
    regions = {r.code for r in reference.lower_regions()}
    for row in data.rows("cities.csv"):
        assert row["kind"] == "town" or row["region_code"] in regions | {""}
        if row["kind"] != "town":
            continue
        assert row["region_code"] in regions, row
        cited = row["note"].partition("kecamatan ")[2].split()
        if row["note"].startswith("districts.csv") and cited:
            district = districts[cited[-1]]
            assert (district.name, district.regency_code) == (row["name"], row["region_code"])
