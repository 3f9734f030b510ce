"""Syrian personal names and place-name parts, and the writing habits that render them.

Tables are common Syrian names with their attested spellings in four habits, written from
general knowledge (no scraped data): Arabic script; English-style (Mohammed, Hussein, Al-);
French-style (Mouhamad, Houssein, El-, ``ch`` for *sh*, ``ou`` for *u*); scholarly
(Muhammad, Husayn, Abd al-).  Each row is ``arabic|english|french|scholarly`` with alternative
spellings of one habit separated by ``/`` (the first is the habit's usual one).  Family names
marked ``+`` carry the article (الـ / Al- / El- / al-).

A name is built the Syrian way: given name, father's given name, sometimes the grandfather's,
family name.  Women keep their own father's and family names when they marry.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HABITS = ("arabic", "english", "french", "scholarly")

MALE = """
محمد|Mohammed/Mohammad/Mohamed/Muhammed|Mouhamad/Mohamad/Mohamed/Mhamad|Muhammad
أحمد|Ahmed/Ahmad|Ahmad/Ahmed|Ahmad
محمود|Mahmoud/Mahmood|Mahmoud|Mahmud
خالد|Khaled/Khalid|Khaled|Khalid
علي|Ali|Ali|Ali
حسين|Hussein/Hussain/Husein|Houssein/Hussein|Husayn
حسن|Hassan/Hasan|Hassan|Hasan
عمر|Omar/Omer|Omar|Umar
عبد الرحمن|Abdulrahman/Abdul Rahman/Abdel Rahman|Abdel Rahmane/Abdelrahman/Abderrahmane|Abd al-Rahman
عبد الله|Abdullah/Abdallah|Abdallah/Abdellah|Abd Allah
عبد الكريم|Abdulkarim/Abdul Karim|Abdel Karim/Abdelkarim|Abd al-Karim
عبد القادر|Abdulqader/Abdul Qader/Abdulkader|Abdelkader/Abdel Kader|Abd al-Qadir
عبد الحميد|Abdulhamid/Abdul Hamid|Abdelhamid/Abdel Hamid|Abd al-Hamid
عبد العزيز|Abdulaziz/Abdul Aziz|Abdelaziz/Abdel Aziz|Abd al-Aziz
يوسف|Youssef/Yousef/Yusuf|Youssef/Youcef|Yusuf
إبراهيم|Ibrahim|Ibrahim/Brahim|Ibrahim
مصطفى|Mustafa/Moustafa|Moustapha/Mustapha|Mustafa
عمار|Ammar|Ammar|Ammar
ياسر|Yasser/Yaser|Yasser|Yasir
وليد|Walid/Waleed|Walid|Walid
سامر|Samer|Samer|Samir
سمير|Samir/Sameer|Samir|Samir
فادي|Fadi|Fadi|Fadi
رامي|Rami|Rami|Rami
باسل|Bassel/Basel|Bassel/Basel|Basil
ماهر|Maher|Maher|Mahir
نزار|Nizar|Nizar/Nezar|Nizar
عماد|Imad/Emad|Imad|Imad
جمال|Jamal|Jamal/Djamal|Jamal
كمال|Kamal|Kamal|Kamal
فراس|Firas/Feras|Firas/Feras|Firas
غسان|Ghassan|Ghassan|Ghassan
زياد|Ziad/Ziyad|Ziad|Ziyad
طارق|Tareq/Tariq/Tarek|Tarek|Tariq
هشام|Hisham/Hesham|Hicham/Hisham|Hisham
شادي|Shadi|Chadi|Shadi
بشير|Bashir/Basheer|Bachir|Bashir
شريف|Sharif/Sherif|Charif/Cherif|Sharif
منير|Munir/Mounir|Mounir|Munir
نبيل|Nabil/Nabeel|Nabil|Nabil
عادل|Adel/Adil|Adel|Adil
سعيد|Saeed/Said|Saïd/Said|Sa'id
صالح|Saleh/Salih|Saleh|Salih
فيصل|Faisal/Faysal|Fayçal/Faycal/Faisal|Faysal
حمزة|Hamza/Hamzah|Hamza|Hamza
عثمان|Othman/Osman/Uthman|Othmane/Osmane|Uthman
بلال|Bilal|Bilal|Bilal
أنس|Anas|Anas|Anas
معاذ|Moaz/Muaz/Muath|Mouaz/Mouadh|Mu'adh
أيمن|Ayman/Aiman|Aymane/Ayman|Ayman
مازن|Mazen|Mazen|Mazin
حازم|Hazem|Hazem|Hazim
راشد|Rashed/Rashid|Rached|Rashid
عدنان|Adnan|Adnane/Adnan|Adnan
جميل|Jamil/Jameel|Jamil/Djamil|Jamil
نور الدين|Nour al-Din/Noureddin/Nour Eddin|Noureddine/Nour Eddine|Nur al-Din
علاء الدين|Alaa al-Din/Alaaeddin/Alaa Eddin|Alaeddine/Ala Eddine|Ala' al-Din
عيسى|Issa/Eisa|Issa|Isa
موسى|Moussa/Musa|Moussa|Musa
إسماعيل|Ismail/Ismael|Ismaïl/Ismail|Isma'il
سليمان|Suleiman/Sulaiman/Soliman|Souleimane/Sleiman|Sulayman
قاسم|Qassem/Kassem/Qasim|Kassem/Qassem|Qasim
جهاد|Jihad|Jihad/Djihad|Jihad
رضوان|Radwan/Redwan|Radouane/Redwan|Ridwan
زكريا|Zakaria/Zakariya|Zakaria|Zakariyya
هيثم|Haitham/Haytham|Haytham/Haitham|Haytham
وائل|Wael/Wail|Waël/Wael|Wa'il
شاكر|Shaker/Shakir|Chaker|Shakir
محسن|Mohsen/Muhsin|Mohsen/Mouhsen|Muhsin
نايف|Nayef/Naif|Nayef|Nayif
حمد|Hamad|Hamad|Hamad
أسامة|Osama/Usama|Oussama/Ousama|Usama
صهيب|Suhaib/Sohaib|Souhaib|Suhayb
قتيبة|Qutaiba/Kutaiba|Koutaïba/Qoutaiba|Qutayba
ثائر|Thaer/Thair|Thaer|Tha'ir
منذر|Munther/Mundhir|Moundher/Mounzer|Mundhir
جورج|George|Georges|Jurj
إلياس|Elias/Elyas|Elias/Élias|Ilyas
حيدر|Haidar/Haider|Haydar|Haydar
مهند|Muhannad/Mohannad|Mouhannad/Mohannad|Muhannad
عمرو|Amr/Amro|Amr|Amr
حسام|Hussam/Hossam|Houssam|Husam
مؤيد|Moayad/Muayad|Mouayad|Mu'ayyad
"""

FEMALE = """
فاطمة|Fatima/Fatema/Fatmeh|Fatima/Fatma|Fatima
عائشة|Aisha/Aysha|Aïcha/Aicha|A'isha
مريم|Mariam/Maryam|Meriem/Myriam|Maryam
زينب|Zainab/Zeinab|Zeineb/Zineb|Zaynab
خديجة|Khadija/Khadijah|Khadija/Khadidja|Khadija
نور|Nour/Noor|Nour|Nur
هبة|Hiba/Heba|Hiba/Heba|Hiba
رنا|Rana|Rana|Rana
سعاد|Suad/Souad|Souad|Su'ad
ليلى|Layla/Leila|Leila/Leïla|Layla
سلمى|Salma|Salma|Salma
رهف|Rahaf|Rahaf|Rahaf
آمنة|Amina/Amna|Amina/Emna|Amina
هالة|Hala|Hala|Hala
سارة|Sara/Sarah|Sarah/Sara|Sara
رغد|Raghad|Raghad|Raghad
ياسمين|Yasmin/Yasmine|Yasmine|Yasmin
دعاء|Doaa/Duaa|Douaa/Doua|Du'a'
إيمان|Iman/Eman|Imane/Iman|Iman
هدى|Huda/Hoda|Houda|Huda
أمل|Amal|Amal|Amal
رشا|Rasha|Racha|Rasha
غادة|Ghada|Ghada|Ghada
منى|Muna/Mona|Mouna/Mona|Muna
وفاء|Wafaa/Wafa|Wafa|Wafa'
سميرة|Samira/Sameera|Samira|Samira
نادية|Nadia/Nadya|Nadia|Nadiya
جميلة|Jamila/Jameela|Djamila/Jamila|Jamila
حنان|Hanan|Hanane/Hanan|Hanan
لينا|Lina/Leena|Lina|Lina
شهد|Shahd|Chahd|Shahd
بتول|Batoul/Batool|Batoul|Batul
جنى|Jana|Jana|Jana
ريم|Reem/Rim|Rim/Reem|Rim
ملك|Malak|Malak|Malak
نسرين|Nisreen/Nesreen|Nesrine/Nisrine|Nisrin
رولا|Rula/Roula|Roula|Rula
لمى|Lama|Lama|Lama
بشرى|Bushra/Boushra|Bouchra|Bushra
صفاء|Safaa/Safa|Safa|Safa'
سوسن|Sawsan/Sausan|Saoussan/Sawsan|Sawsan
ناهد|Nahed/Nahid|Nahed|Nahid
ميساء|Maysaa/Maisa|Meyssa/Maïssa|Maysa'
هيفاء|Haifa/Haifaa|Haïfa/Haifa|Hayfa'
كوثر|Kawthar/Kawsar|Kaoutar/Kaouthar|Kawthar
غنى|Ghina/Ghena|Ghina|Ghina
"""

FAMILY = """
+أحمد|Ahmad/Ahmed|Ahmad|Ahmad
+حلبي|Halabi|Halabi|Halabi
+حمصي|Homsi|Homsi|Himsi
+شامي|Shami|Chami|Shami
+خطيب|Khatib/Khateeb|Khatib|Khatib
+حسن|Hassan|Hassan|Hasan
+علي|Ali|Ali|Ali
+محمد|Mohammed/Mohammad|Mohamed|Muhammad
+عمر|Omar|Omar|Umar
+حسين|Hussein|Houssein|Husayn
+إبراهيم|Ibrahim|Ibrahim|Ibrahim
+عبد الله|Abdullah|Abdallah|Abd Allah
+صالح|Saleh|Saleh|Salih
+خليل|Khalil|Khalil|Khalil
+حمود|Hammoud|Hammoud|Hammud
+جاسم|Jassem/Jasim|Jassem|Jasim
+عيسى|Issa|Issa|Isa
+أسعد|Asaad/Assad|Assaad|As'ad
+ديري|Deiri|Deiri|Dayri
+عبيد|Obeid/Obaid|Oubeid|Ubayd
+حمدان|Hamdan|Hamdane|Hamdan
+زعبي|Zoubi/Zubi|Zoubi|Zu'bi
+مقداد|Meqdad/Miqdad|Mokdad/Meqdad|Miqdad
+حريري|Hariri|Hariri|Hariri
+رفاعي|Rifai/Refai|Rifaï|Rifa'i
+نعيمي|Nuaimi/Naimi|Nouaimi|Nu'aymi
+جبوري|Jubouri/Jabouri|Jabbouri|Juburi
+شيخ|Sheikh/Shaikh|Cheikh|Shaykh
+سيد|Sayed/Sayyed|Sayed|Sayyid
+كردي|Kurdi|Kurdi/Kourdi|Kurdi
+عبود|Abboud|Abboud|Abbud
+بكور|Bakkour|Bakkour|Bakkur
+مصري|Masri|Masri|Misri
+حموي|Hamwi/Hamawi|Hamwi|Hamawi
+ادلبي|Idlibi|Idlibi|Idlibi
+سعيد|Saeed|Said|Sa'id
+يوسف|Youssef|Youssef|Yusuf
+موسى|Moussa|Moussa|Musa
+خضر|Khader/Khidr|Khodr|Khidr
+قاسم|Qassem|Kassem|Qasim
+حاج|Haj/Hajj|Hadj|Hajj
+حسيني|Husseini|Husseini|Husayni
+عثمان|Othman|Othmane|Uthman
+جمعة|Jumaa/Jumah|Joumaa|Jum'a
+عمري|Omari|Omari|Umari
+شمري|Shammari|Chammari|Shammari
+فارس|Fares|Fares|Faris
+ناصر|Nasser|Nasser|Nasir
+خالد|Khaled|Khaled|Khalid
+نجار|Najjar|Najjar|Najjar
+دباغ|Dabbagh|Dabbagh|Dabbagh
+حوراني|Hourani|Hourani|Hawrani
قطان|Kattan/Qattan|Kattan|Qattan
حداد|Haddad|Haddad|Haddad
عباس|Abbas|Abbas|Abbas
مرعي|Marei/Mari|Mareï|Mar'i
درويش|Darwish|Darwich|Darwish
شعبان|Shaaban|Chaabane|Sha'ban
رمضان|Ramadan|Ramadan|Ramadan
سلامة|Salameh/Salama|Salamé|Salama
عيد|Eid|Eid/Aïd|Id
حمادة|Hamadeh/Hamada|Hamadé|Hamada
طحان|Tahhan|Tahhan|Tahhan
حجازي|Hijazi/Hegazi|Hijazi|Hijazi
قدور|Kaddour/Qaddour|Kaddour|Qaddur
بيطار|Bitar/Baytar|Bitar|Baytar
صباغ|Sabbagh|Sabbagh|Sabbagh
مخلوف|Makhlouf|Makhlouf|Makhluf
عساف|Assaf|Assaf|Assaf
شاهين|Shaheen/Shahin|Chahine|Shahin
عطار|Attar|Attar|Attar
زيدان|Zeidan/Zaidan|Zeidane|Zaydan
أبو زيد|Abu Zeid/Abuzeid|Abou Zeid|Abu Zayd
أبو علي|Abu Ali|Abou Ali|Abu Ali
قباني|Kabbani/Qabbani|Kabbani|Qabbani
حمامي|Hammami|Hammami|Hammami
سويدان|Swedan/Suwaidan|Souidan|Suwaydan
مراد|Murad/Mourad|Mourad|Murad
"""

# Village-name parts: a generic first word and a stem (Kafr Nabl, Tell Rifaat, Ain al-Fijeh ...).
VILLAGE_HEADS = """
كفر|Kafr/Kfar|Kafr/Kfar|Kafr
تل|Tell/Tal|Tell/Tal|Tall
عين|Ain/Ayn|Aïn/Ain|Ayn
دير|Deir/Dayr|Deir|Dayr
خربة|Khirbet/Khirbat|Kherbet/Khirbet|Khirbat
بيت|Beit/Bait|Beit|Bayt
معرة|Maarat/Maaret|Maaret/Maarrat|Ma'arrat
جسر|Jisr|Jisr|Jisr
أم|Umm/Um|Oumm/Oum|Umm
حي|Hay|Hay|Hayy
"""
VILLAGE_STEMS = """
نبل|Nabl|Nabl|Nabl
زيتا|Zita|Zita|Zita
رفعت|Rifaat|Rifaat|Rif'at
الكرمة|al-Karma|el-Karmé|al-Karma
الحجر|al-Hajar|el-Hajar|al-Hajar
الزيتون|al-Zaytoun|ez-Zeitoun|al-Zaytun
الشمالي|al-Shamali|ech-Chamali|al-Shamali
الغربي|al-Gharbi|el-Gharbi|al-Gharbi
سجنة|Sijneh|Sijné|Sijna
عويد|Oweid|Oueid|Uwayd
الحمام|al-Hammam|el-Hammam|al-Hammam
البيضا|al-Bayda|el-Beida|al-Bayda
الجوز|al-Jawz|el-Jouz|al-Jawz
الخضر|al-Khodr|el-Khodr|al-Khidr
الصخر|al-Sakhr|es-Sakhr|al-Sakhr
عمران|Omran|Omrane|Imran
النهر|al-Nahr|en-Nahr|al-Nahr
السوق|al-Souq|es-Souk|al-Suq
البلد|al-Balad|el-Balad|al-Balad
الطاحون|al-Tahoun|et-Tahoun|al-Tahun
حسان|Hassan|Hassan|Hassan
القصب|al-Qasab|el-Kasab|al-Qasab
"""


@dataclass(frozen=True)
class NameTable:
    """One table of names: Arabic, and per Latin habit a matrix of spellings (row: name, column: variant)."""

    arabic: np.ndarray  # object array of Arabic forms (with article where it belongs)
    article: np.ndarray  # bool: the name carries the article
    latin: dict[str, np.ndarray]  # habit -> object array (n, max variants), padded by repeating
    n_variants: dict[str, np.ndarray]  # habit -> int array (n,)
    weights: np.ndarray  # popularity (Zipf-like), sums to 1

    def __len__(self) -> int:
        return len(self.arabic)


def _parse(block: str, zipf: float) -> NameTable:
    rows = [line.split("|") for line in block.strip().splitlines()]
    article = np.array([r[0].startswith("+") for r in rows])
    arabic = np.array([("ال" + r[0][1:]) if r[0].startswith("+") else r[0] for r in rows], dtype=object)
    latin, counts = {}, {}
    for h, col in (("english", 1), ("french", 2), ("scholarly", 3)):
        variants = [r[col].split("/") for r in rows]
        width = max(len(v) for v in variants)
        latin[h] = np.array([[v[i % len(v)] for i in range(width)] for v in variants], dtype=object)
        counts[h] = np.array([len(v) for v in variants])
    ranks = np.arange(1, len(rows) + 1, dtype=float)
    weights = ranks ** -zipf
    return NameTable(arabic, article, latin, counts, weights / weights.sum())


# Mohammed and Ahmad are far more common than the tail; family names are flatter.
MALE_NAMES = _parse(MALE, 1.0)
FEMALE_NAMES = _parse(FEMALE, 0.8)
FAMILY_NAMES = _parse(FAMILY, 0.5)
VILLAGE_HEAD_PARTS = _parse(VILLAGE_HEADS, 0.0)
VILLAGE_STEM_PARTS = _parse(VILLAGE_STEMS, 0.0)

# The article as each habit writes it (usual form first), and how often a list drops it.
ARTICLES = {"english": ("Al-", "Al ", "al-", "Al"), "french": ("El-", "El ", "Al-"), "scholarly": ("al-",)}
ARTICLE_DROP = 0.12
SON_OF = {"arabic": ("بن", "بنت"), "english": ("bin", "bint"), "french": ("ben", "bent"), "scholarly": ("ibn", "bint")}


def spell(table: NameTable, idx: np.ndarray, habit: str, variant: np.ndarray) -> np.ndarray:
    """Spellings of names *idx* in *habit*; *variant* ≥ 0 picks an alternative spelling (0 = usual)."""
    if habit == "arabic":
        return table.arabic[idx]
    v = variant % table.n_variants[habit][idx]
    return table.latin[habit][idx, v]


def spell_family(idx: np.ndarray, habit: str, variant: np.ndarray, article_form: np.ndarray) -> np.ndarray:
    """Family names *idx* in *habit* with the article written per *article_form* (-1: dropped)."""
    t = FAMILY_NAMES
    if habit == "arabic":
        out = t.arabic[idx].copy()
        drop = t.article[idx] & (article_form < 0)
        out[drop] = np.array([s[2:] for s in out[drop]], dtype=object)
        return out
    base = spell(t, idx, habit, variant)
    forms = ARTICLES[habit]
    prefix = np.array(forms, dtype=object)[np.clip(article_form, 0, None) % len(forms)]
    has = t.article[idx] & (article_form >= 0)
    out = base.copy()
    out[has] = prefix[has] + base[has]
    return out


def draw_variant(rng: np.random.Generator, n: int, usual: float) -> np.ndarray:
    """Variant numbers: 0 (the habit's usual spelling) with probability *usual*, else 1–3."""
    return np.where(rng.random(n) < usual, 0, rng.integers(1, 4, n))


def draw_article(rng: np.random.Generator, n: int, usual: float) -> np.ndarray:
    """Article forms: 0 (usual) with probability *usual*, -1 (dropped) sometimes, else 1–3."""
    u = rng.random(n)
    return np.where(u < ARTICLE_DROP, -1, np.where(u < ARTICLE_DROP + usual, 0, rng.integers(1, 4, n)))


def is_arabic(text: str) -> bool:
    """Whether *text* contains Arabic letters."""
    return any("\u0600" <= c <= "\u06ff" for c in text)
