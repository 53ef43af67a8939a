"""Realistic demo census records, from real vocabulary: for the demo database and the benchmarks.

:func:`generate` yields :class:`~guji.census.record.RecordData` built the way catalogues
write them: titles from real title patterns (``［萬曆］金華府志三十卷``, ``震川先生集三十卷``,
``禮記注疏六十三卷``, ``墨子十五卷``, ``平陽張氏宗譜八卷``) with their juan counts and
classification, authors with dynasty and mode of responsibility
(``（明）王懋德（明）陸鳳儀纂修``), edition statements dated by dynasty + era of the reign
table (:func:`guji.census.era.eras`) + year, publisher or 堂號, place and edition type
(``明萬曆三十年金陵富春堂刻本``, ``清光緒壬寅(二十八年)刊本``, ``民國二十年鉛印本``,
``1551芝城銅活字印本``), 版式 statements, seals of real private libraries, annotations,
notes, call numbers, grades and damage grades spread as in a provincial register.

Every record carries its derived items already filled in (dynasty, era, Gregorian year,
juan count, structured authors, lines and characters per half-leaf…), exactly as
:func:`guji.census.record.check` would derive them, so the bulk loader of the benchmarks
can write them without running validation a million times; the tests check that
``check()`` finds no error in them.

The output is a pure function of ``(count, seed, institutions)``: one
:class:`random.Random` drives everything and no set or dict order is relied on.

:func:`seed_records` registers generated records through the services (as the demo
census staff, with some submitted, approved at unit and centre level, or returned by the
demo reviewers) and returns a summary for :func:`guji.demo.seed_demo`.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from guji.census.era import EraRecord, eras, ganzhi_of_year
from guji.census.numbers import format_census_number
from guji.census.record import AnnotationData, AuthorData, RecordData, SealData, statement_from_authors
from guji.text.numerals import format_number

if TYPE_CHECKING:
    from guji.app import Guji

__all__ = ["DEFAULT_SEED", "generate", "seed_records"]

DEFAULT_SEED = 20161231

# ----------------------------------------------------------------------------- vocabulary

_SURNAMES = ("王李張劉陳楊趙黃周吳徐孫胡朱高林何郭馬羅梁宋鄭謝韓唐馮于董蕭程曹袁鄧許傅沈曾彭呂蘇盧蔣蔡賈丁魏薛葉"
             "閻余潘杜戴夏鍾汪田任姜范方石姚譚廖鄒熊金陸郝孔白崔康毛邱秦江史顧侯邵孟龍萬段雷錢湯尹黎易常武喬賀"
             "賴龔文閔凌繆瞿翁惲鮑查厲")
_GIVEN = ("懋德鳳儀廷玉士奇文炳元善之藻宗羲夢龍應麟光地大昕汝霖允中守謙廷棟維楨應祥承恩國棟世昌兆麟德潤如松"
          "思誠道南希孟伯起尚絅鼎臣其昌時行子龍嗣宗啟元鶴齡鍾岳錫爵體仁益謙可久士麟本立邦彥懷玉紹曾"
          "樹棠蔭槐秉鈞繼善敦復景濂")
_HAO = ("竹溪松園蓮塘梅村柳堂菊莊蘭皋石泉雲巢雪樵鶴汀漁洲藕舫鷗波荔村桐軒蕉窗桂林楓江香山碧梧紫陽秋水"
        "春暉夢蝶聽松寄園怡雲澹園醉經耕讀守拙補拙知足環翠遂初")
_HAO_SUFFIX = ("詩鈔", "文鈔", "詩集", "文集", "吟草", "遺稿", "詩存", "文存", "雜著", "詩草", "偶存", "集")

# (title without juan, juan count, classification code, authors as (dynasty, name, mode), wide: ancient work)
_CANON: tuple[tuple[str, int, str, tuple[tuple[str, str, str], ...]], ...] = (
    ("周易注疏", 13, "jing.yi.chuanshuo", (("魏", "王弼", "注"), ("晉", "韓康伯", "注"), ("唐", "孔穎達", "疏"))),
    ("周易本義", 4, "jing.yi.chuanshuo", (("宋", "朱熹", "撰"),)),
    ("尚書注疏", 20, "jing.shu.chuanshuo", (("漢", "孔安國", "傳"), ("唐", "孔穎達", "疏"))),
    ("書集傳", 6, "jing.shu.chuanshuo", (("宋", "蔡沈", "撰"),)),
    ("毛詩注疏", 20, "jing.shi.chuanshuo", (("漢", "毛亨", "傳"), ("漢", "鄭玄", "箋"), ("唐", "孔穎達", "疏"))),
    ("詩經集傳", 8, "jing.shi.chuanshuo", (("宋", "朱熹", "撰"),)),
    ("周禮注疏", 42, "jing.li.zhouli", (("漢", "鄭玄", "注"), ("唐", "賈公彥", "疏"))),
    ("儀禮注疏", 17, "jing.li.yili", (("漢", "鄭玄", "注"), ("唐", "賈公彥", "疏"))),
    ("禮記注疏", 63, "jing.li.liji", (("漢", "鄭玄", "注"), ("唐", "孔穎達", "疏"))),
    ("禮記集說", 10, "jing.li.liji", (("元", "陳澔", "撰"),)),
    ("春秋左傳注疏", 60, "jing.chunqiu.zuochuan", (("晉", "杜預", "注"), ("唐", "孔穎達", "疏"))),
    ("春秋公羊傳注疏", 28, "jing.chunqiu.gongyangchuan", (("漢", "何休", "注"), ("唐", "徐彥", "疏"))),
    ("春秋穀梁傳注疏", 20, "jing.chunqiu.guliangchuan", (("晉", "范寧", "集解"), ("唐", "楊士勛", "疏"))),
    ("論語注疏", 20, "jing.sishu.lunyu", (("魏", "何晏", "集解"), ("宋", "邢昺", "疏"))),
    ("孟子注疏", 14, "jing.sishu.mengzi", (("漢", "趙岐", "注"), ("宋", "孫奭", "疏"))),
    ("四書章句集注", 26, "jing.sishu.sishuzongyi", (("宋", "朱熹", "撰"),)),
    ("孝經注疏", 9, "jing.xiaojing", (("唐", "李隆基", "注"), ("宋", "邢昺", "疏"))),
    ("爾雅注疏", 11, "jing.xiaoxue.xungu", (("晉", "郭璞", "注"), ("宋", "邢昺", "疏"))),
    ("說文解字", 15, "jing.xiaoxue.wenzi", (("漢", "許慎", "撰"),)),
    ("說文解字注", 30, "jing.xiaoxue.wenzi", (("清", "段玉裁", "撰"),)),
    ("廣韻", 5, "jing.xiaoxue.yinyun", (("宋", "陳彭年", "撰"),)),
    ("經典釋文", 30, "jing.qunjingzongyi", (("唐", "陸德明", "撰"),)),
    ("史記", 130, "shi.jichuan", (("漢", "司馬遷", "撰"), ("南朝宋", "裴駰", "集解"))),
    ("漢書", 100, "shi.jichuan", (("漢", "班固", "撰"), ("唐", "顏師古", "注"))),
    ("後漢書", 120, "shi.jichuan", (("南朝宋", "范曄", "撰"), ("唐", "李賢", "注"))),
    ("三國志", 65, "shi.jichuan", (("晉", "陳壽", "撰"), ("南朝宋", "裴松之", "注"))),
    ("晉書", 130, "shi.jichuan", (("唐", "房玄齡", "撰"),)),
    ("新唐書", 225, "shi.jichuan", (("宋", "歐陽修", "撰"), ("宋", "宋祁", "撰"))),
    ("宋史", 496, "shi.jichuan", (("元", "脫脫", "撰"),)),
    ("元史", 210, "shi.jichuan", (("明", "宋濂", "撰"),)),
    ("明史", 332, "shi.jichuan", (("清", "張廷玉", "撰"),)),
    ("資治通鑑", 294, "shi.biannian", (("宋", "司馬光", "撰"), ("元", "胡三省", "注"))),
    ("通鑑紀事本末", 42, "shi.jishibenmo", (("宋", "袁樞", "撰"),)),
    ("貞觀政要", 10, "shi.zashi", (("唐", "吳兢", "撰"), ("元", "戈直", "集注"))),
    ("國語", 21, "shi.zashi", (("吳", "韋昭", "注"),)),
    ("戰國策", 33, "shi.zashi", (("漢", "劉向", "輯"), ("漢", "高誘", "注"))),
    ("大明一統志", 90, "shi.dili.zongzhi", (("明", "李賢", "撰"),)),
    ("讀史方輿紀要", 130, "shi.dili.zongzhi", (("清", "顧祖禹", "撰"),)),
    ("水經注", 40, "shi.dili.shanshuizhi", (("北魏", "酈道元", "撰"),)),
    ("通典", 200, "shi.zhengshu.tongzhi", (("唐", "杜佑", "撰"),)),
    ("文獻通考", 348, "shi.zhengshu.tongzhi", (("元", "馬端臨", "撰"),)),
    ("史通", 20, "shi.shiping", (("唐", "劉知幾", "撰"),)),
    ("廿二史劄記", 36, "shi.shiping", (("清", "趙翼", "撰"),)),
    ("金石錄", 30, "shi.jinshikaogu.zonglei", (("宋", "趙明誠", "撰"),)),
    ("郡齋讀書志", 4, "shi.mulu.sicang", (("宋", "晁公武", "撰"),)),
    ("直齋書錄解題", 22, "shi.mulu.sicang", (("宋", "陳振孫", "撰"),)),
    ("欽定四庫全書總目", 200, "shi.mulu.gongcang", (("清", "紀昀", "撰"),)),
    ("列女傳", 7, "shi.chuanji.zongchuan", (("漢", "劉向", "撰"),)),
    ("荀子", 20, "zi.ruxue", (("周", "荀況", "撰"), ("唐", "楊倞", "注"))),
    ("近思錄", 14, "zi.ruxue", (("宋", "朱熹", "輯"), ("宋", "呂祖謙", "輯"))),
    ("傳習錄", 3, "zi.ruxue", (("明", "王守仁", "撰"),)),
    ("孫子十家注", 13, "zi.bingjia", (("周", "孫武", "撰"), ("宋", "吉天保", "輯"))),
    ("武經七書", 25, "zi.bingjia", (("宋", "朱服", "校"),)),
    ("管子", 24, "zi.fajia", (("周", "管仲", "撰"), ("唐", "房玄齡", "注"))),
    ("韓非子", 20, "zi.fajia", (("周", "韓非", "撰"),)),
    ("齊民要術", 10, "zi.nongjianongxue", (("北魏", "賈思勰", "撰"),)),
    ("農政全書", 60, "zi.nongjianongxue", (("明", "徐光啟", "撰"),)),
    ("黃帝內經素問", 24, "zi.yijia.yijing", (("唐", "王冰", "注"),)),
    ("傷寒論", 10, "zi.yijia.shanghanjingui", (("漢", "張機", "撰"), ("晉", "王叔和", "編"))),
    ("本草綱目", 52, "zi.yijia.bencao", (("明", "李時珍", "撰"),)),
    ("備急千金要方", 30, "zi.yijia.fangshu", (("唐", "孫思邈", "撰"),)),
    ("景岳全書", 64, "zi.yijia.linzhenggeke", (("明", "張介賓", "撰"),)),
    ("九章算術", 9, "zi.tianwensuanfa.suanshu", (("魏", "劉徽", "注"),)),
    ("夢溪筆談", 26, "zi.zaxuezashuo", (("宋", "沈括", "撰"),)),
    ("容齋隨筆", 74, "zi.zaxuezashuo", (("宋", "洪邁", "撰"),)),
    ("日知錄", 32, "zi.zaxuezashuo", (("清", "顧炎武", "撰"),)),
    ("顏氏家訓", 7, "zi.zaxuezashuo", (("北齊", "顏之推", "撰"),)),
    ("墨子", 15, "zi.zaxuezashuo", (("周", "墨翟", "撰"),)),
    ("淮南鴻烈解", 21, "zi.zaxuezashuo", (("漢", "劉安", "撰"), ("漢", "高誘", "注"))),
    ("呂氏春秋", 26, "zi.zaxuezashuo", (("秦", "呂不韋", "輯"), ("漢", "高誘", "注"))),
    ("太平御覽", 1000, "zi.leishu", (("宋", "李昉", "輯"),)),
    ("藝文類聚", 100, "zi.leishu", (("唐", "歐陽詢", "輯"),)),
    ("初學記", 30, "zi.leishu", (("唐", "徐堅", "撰"),)),
    ("世說新語", 3, "zi.xiaoshuo", (("南朝宋", "劉義慶", "撰"), ("南朝梁", "劉孝標", "注"))),
    ("太平廣記", 500, "zi.xiaoshuo", (("宋", "李昉", "輯"),)),
    ("搜神記", 20, "zi.xiaoshuo", (("晉", "干寶", "撰"),)),
    ("聊齋誌異", 16, "zi.xiaoshuo", (("清", "蒲松齡", "撰"),)),
    ("三國志通俗演義", 24, "zi.xiaoshuo", (("明", "羅本", "撰"),)),
    ("莊子南華真經", 10, "zi.daojia", (("周", "莊周", "撰"), ("晉", "郭象", "注"))),
    ("老子道德經", 2, "zi.daojia", (("周", "李耳", "撰"), ("漢", "河上公", "章句"))),
    ("妙法蓮華經", 7, "zi.shijia", (("後秦", "鳩摩羅什", "譯"),)),
    ("宣和書譜", 20, "zi.yishu.shuhua", (("宋", "佚名", "撰"),)),
    ("楚辭章句", 17, "ji.chuci", (("漢", "王逸", "撰"),)),
    ("楚辭集注", 8, "ji.chuci", (("宋", "朱熹", "撰"),)),
    ("文選", 60, "ji.zongji.tongdai", (("南朝梁", "蕭統", "輯"), ("唐", "李善", "注"))),
    ("古文觀止", 12, "ji.zongji.tongdai", (("清", "吳楚材", "輯"), ("清", "吳調侯", "輯"))),
    ("全唐詩", 900, "ji.zongji.duandai", (("清", "彭定求", "輯"),)),
    ("文心雕龍", 10, "ji.shiwenping", (("南朝梁", "劉勰", "撰"),)),
    ("詩品", 3, "ji.shiwenping", (("南朝梁", "鍾嶸", "撰"),)),
    ("花間集", 10, "ji.ci.zongji", (("後蜀", "趙崇祚", "輯"),)),
    ("詞律", 20, "ji.ci.cipu", (("清", "萬樹", "撰"),)),
    ("西廂記", 5, "ji.qu.zaju", (("元", "王實甫", "撰"),)),
    ("牡丹亭還魂記", 2, "ji.qu.chuanqi", (("明", "湯顯祖", "撰"),)),
    ("桃花扇", 2, "ji.qu.chuanqi", (("清", "孔尚任", "撰"),)),
    ("長生殿", 2, "ji.qu.chuanqi", (("清", "洪昇", "撰"),)),
)

# 別集 authors: (dynasty, name, how the collection is named after them, classification)
_POETS = (
    ("晉", "陶潛", "陶淵明", "ji.bieji.hanweiliuchao"), ("唐", "李白", "李太白", "ji.bieji.tangwudai"),
    ("唐", "杜甫", "杜工部", "ji.bieji.tangwudai"), ("唐", "王維", "王右丞", "ji.bieji.tangwudai"),
    ("唐", "韓愈", "昌黎先生", "ji.bieji.tangwudai"), ("唐", "柳宗元", "柳河東", "ji.bieji.tangwudai"),
    ("唐", "白居易", "白氏長慶", "ji.bieji.tangwudai"), ("唐", "李商隱", "李義山", "ji.bieji.tangwudai"),
    ("唐", "杜牧", "樊川", "ji.bieji.tangwudai"), ("宋", "歐陽修", "歐陽文忠公", "ji.bieji.song"),
    ("宋", "蘇軾", "東坡先生", "ji.bieji.song"), ("宋", "王安石", "臨川先生", "ji.bieji.song"),
    ("宋", "蘇洵", "嘉祐", "ji.bieji.song"), ("宋", "黃庭堅", "山谷", "ji.bieji.song"),
    ("宋", "陸游", "渭南", "ji.bieji.song"), ("宋", "范仲淹", "范文正公", "ji.bieji.song"),
    ("宋", "朱熹", "晦庵先生朱文公", "ji.bieji.song"), ("元", "趙孟頫", "松雪齋", "ji.bieji.yuan"),
    ("元", "虞集", "道園", "ji.bieji.yuan"), ("明", "宋濂", "宋學士", "ji.bieji.ming"),
    ("明", "劉基", "誠意伯", "ji.bieji.ming"), ("明", "王守仁", "王文成公", "ji.bieji.ming"),
    ("明", "歸有光", "震川先生", "ji.bieji.ming"), ("明", "李夢陽", "空同", "ji.bieji.ming"),
    ("明", "王世貞", "弇州山人", "ji.bieji.ming"), ("明", "袁宏道", "袁中郎", "ji.bieji.ming"),
    ("明", "徐渭", "徐文長", "ji.bieji.ming"), ("明", "唐順之", "荊川先生", "ji.bieji.ming"),
    ("明", "湯顯祖", "玉茗堂", "ji.bieji.ming"), ("清", "顧炎武", "亭林", "ji.bieji.qing"),
    ("清", "錢謙益", "牧齋", "ji.bieji.qing"), ("清", "吳偉業", "梅村", "ji.bieji.qing"),
    ("清", "王士禛", "漁洋山人", "ji.bieji.qing"), ("清", "朱彝尊", "曝書亭", "ji.bieji.qing"),
    ("清", "袁枚", "小倉山房", "ji.bieji.qing"), ("清", "紀昀", "紀文達公", "ji.bieji.qing"),
    ("清", "曾國藩", "曾文正公", "ji.bieji.qing"), ("清", "龔自珍", "定盦", "ji.bieji.qing"),
    ("清", "鄭燮", "板橋", "ji.bieji.qing"), ("清", "張之洞", "張文襄公", "ji.bieji.qing"),
)
_POET_FORMS = ("集", "文集", "詩集", "全集", "詩鈔", "遺集")

# 方志: (place, classification). 通志 and 鄉土志 are built from the same table.
_PLACES = (
    ("金華府", "fuzhi"), ("紹興府", "fuzhi"), ("杭州府", "fuzhi"), ("蘇州府", "fuzhi"), ("松江府", "fuzhi"),
    ("常州府", "fuzhi"), ("揚州府", "fuzhi"), ("徽州府", "fuzhi"), ("寧波府", "fuzhi"), ("泉州府", "fuzhi"),
    ("廣州府", "fuzhi"), ("潮州府", "fuzhi"), ("成都府", "fuzhi"), ("西安府", "fuzhi"), ("太原府", "fuzhi"),
    ("保定府", "fuzhi"), ("順天府", "fuzhi"), ("奉天府", "fuzhi"), ("錦州府", "fuzhi"), ("永平府", "fuzhi"),
    ("登州府", "fuzhi"), ("萊州府", "fuzhi"), ("濟南府", "fuzhi"), ("開封府", "fuzhi"), ("長沙府", "fuzhi"),
    ("遼陽州", "zhouzhi"), ("海州", "zhouzhi"), ("通州", "zhouzhi"), ("滁州", "zhouzhi"), ("岫巖州", "zhouzhi"),
    ("復州", "zhouzhi"), ("義州", "zhouzhi"), ("伊通州", "zhouzhi"), ("海城縣", "xianzhi"), ("蓋平縣", "xianzhi"),
    ("鐵嶺縣", "xianzhi"), ("開原縣", "xianzhi"), ("承德縣", "xianzhi"), ("錦縣", "xianzhi"), ("廣寧縣", "xianzhi"),
    ("鳳城縣", "xianzhi"), ("無錫縣", "xianzhi"), ("江陰縣", "xianzhi"), ("嘉定縣", "xianzhi"), ("崑山縣", "xianzhi"),
    ("常熟縣", "xianzhi"), ("吳縣", "xianzhi"), ("錢塘縣", "xianzhi"), ("歙縣", "xianzhi"), ("休寧縣", "xianzhi"),
    ("婺源縣", "xianzhi"), ("莆田縣", "xianzhi"), ("晉江縣", "xianzhi"), ("南海縣", "xianzhi"),
    ("番禺縣", "xianzhi"), ("香山縣", "xianzhi"), ("榆次縣", "xianzhi"), ("曲阜縣", "xianzhi"),
)
_PROVINCES = ("盛京", "吉林", "山東", "浙江", "江南", "福建", "廣東", "湖廣", "四川", "陝西", "山西", "畿輔", "河南")
_CLAN_PLACES = ("平陽", "太原", "清河", "隴西", "吳興", "會稽", "新安", "延陵", "潁川", "江夏", "遼陽", "瀋陽", "錦州",
                "蕭山", "毘陵", "暨陽", "錫山", "海寧", "餘姚", "鄞縣")
_CLAN_FORMS = ("宗譜", "族譜", "家譜", "支譜", "世譜")

# Publishers: (name, place or "" for official printers, kind)
_OFFICIAL = (("內府", ""), ("武英殿", ""), ("國子監", ""), ("南京國子監", "南京"), ("北京國子監", "北京"),
             ("經廠", ""), ("翰林院", ""), ("崇文書局", "武昌"), ("金陵書局", "金陵"), ("浙江書局", "杭州"),
             ("江蘇書局", "蘇州"), ("廣雅書局", "廣州"), ("淮南書局", "揚州"), ("思賢講舍", "長沙"))
_SHOPS = (("富春堂", "金陵"), ("世德堂", "金陵"), ("文林閣", "金陵"), ("萃慶堂", "建陽"), ("雙峰堂", "建陽"),
          ("余氏勤有堂", "建陽"), ("汲古閣", "常熟"), ("掃葉山房", "蘇州"), ("寶翰樓", "蘇州"), ("聚錦堂", "北京"),
          ("善成堂", "成都"), ("文盛堂", "佛山"), ("二酉堂", "北京"), ("大酉堂", "北京"), ("經義齋", "杭州"),
          ("緯文堂", "蘇州"), ("芥子園", "金陵"), ("琉璃廠文友堂", "北京"), ("同文堂", "瀋陽"), ("會文齋", "瀋陽"))
_PRIVATE_HALLS = ("賜書堂", "知不足齋", "抱經堂", "士禮居", "拜經樓", "讀畫齋", "借月山房", "問經堂", "粵雅堂",
                  "海山仙館", "平津館", "岱南閣", "經訓堂", "雅雨堂", "紫陽書院", "敷文書院")
_MODERN = (("商務印書館", "上海"), ("中華書局", "上海"), ("掃葉山房", "上海"), ("點石齋", "上海"),
           ("同文書局", "上海"), ("鴻文書局", "上海"), ("文明書局", "上海"), ("會文堂書局", "上海"),
           ("奉天作新印刷局", "奉天"), ("吉林官書局", "吉林"), ("京師大學堂", "北京"), ("蜚英館", "上海"))
_CAPITALS = ("金陵", "吳郡", "杭州", "建陽", "新安", "吳興", "北京", "揚州", "福州", "成都", "武林")

# Private libraries and their owners (藏書樓, owner, a style name used on seals).
_COLLECTORS = (
    ("天一閣", "范欽", "東明"), ("汲古閣", "毛晉", "子晉"), ("絳雲樓", "錢謙益", "牧齋"), ("士禮居", "黃丕烈", "蕘圃"),
    ("鐵琴銅劍樓", "瞿鏞", "子雍"), ("海源閣", "楊以增", "至堂"), ("皕宋樓", "陸心源", "存齋"),
    ("八千卷樓", "丁丙", "松生"), ("嘉業堂", "劉承幹", "翰怡"), ("涵芬樓", "張元濟", "菊生"),
    ("雙鑑樓", "傅增湘", "沅叔"), ("藝風堂", "繆荃孫", "筱珊"), ("觀古堂", "葉德輝", "郋園"),
    ("大雲書庫", "羅振玉", "雪堂"), ("影山草堂", "莫友芝", "子偲"), ("愚齋", "盛宣懷", "杏蓀"),
    ("傳是樓", "徐乾學", "健菴"), ("曝書亭", "朱彝尊", "竹垞"), ("知不足齋", "鮑廷博", "以文"),
    ("持靜齋", "丁日昌", "雨生"),
)
_SEAL_FORMS = ("{lib}藏書", "{lib}藏書印", "{lib}珍藏", "{owner}之印", "{owner}印", "{style}", "{owner}珍藏善本",
               "{owner}讀過", "曾藏{lib}")
_INSTITUTION_SEALS = ("國立奉天圖書館藏書", "東北圖書館藏書", "奉天省立圖書館藏書之章", "吉林省立圖書館藏書",
                      "滿洲國立奉天圖書館", "東北人民政府文化部藏書")
_ANNOTATORS = ("黃丕烈", "顧廣圻", "何焯", "錢大昕", "盧文弨", "翁方綱", "傅增湘", "繆荃孫", "葉德輝", "吳騫",
               "陳鱣", "勞格", "莫友芝", "王國維", "羅振玉", "孫星衍")
_ANNOTATION_TEXTS = {
    "批": ("朱筆圈點", "朱墨兩色批點", "眉端有朱筆批語", "藍筆批點"),
    "校": ("墨筆校字", "朱筆校改", "以宋本校", "據舊抄本校補"),
    "題": ("書衣有題簽", "扉頁有題記", "卷首有題詩"),
    "跋": ("卷末有手書題跋", "書後有跋一篇", "有跋述得書始末"),
    "識": ("卷末有識語", "書衣有識語一則"),
}
_TABOO = ("避「玄」字諱", "「弘」字缺末筆", "避「胤」「禛」字諱", "「寧」字避諱作「甯」", "「曆」字避諱作「歷」")
_STORAGE = ("樟木書櫃", "楠木書匣", "藍布函套", "夾板", "紙盒", "四合套")
_ACQUIRE = ("{y}年購自北京中國書店", "{y}年購自上海古籍書店", "{y}年{person}捐贈", "舊藏", "{y}年調撥",
            "{y}年購自瀋陽古舊書店", "{y}年接收")
_FISHTAILS = ("單黑魚尾", "雙黑魚尾", "雙對黑魚尾", "單白魚尾", "雙順黑魚尾", "單花魚尾", "雙對線魚尾")
_BORDERS = ("四周單邊", "四周雙邊", "左右雙邊", "四周雙邊", "左右雙邊")
_SEAL_POSITIONS = ("卷端", "卷末", "書衣", "扉頁", "序首", "目錄首", "卷端", "卷端")
_DAMAGE = (("wanhao", 12), ("qingdu", 40), ("zhongdu", 28), ("yanzhong", 14), ("techan", 6))


def _year_words(year_of_era: int) -> str:
    return "元" if year_of_era == 1 else format_number(year_of_era)


# --------------------------------------------------------------------------- the pools

@dataclass(frozen=True)
class _Work:
    title: str  # without the juan count
    juan: int | None
    cls: str  # classification code (屬 or 類)
    authors: tuple[tuple[str | None, str, str], ...]  # (dynasty, name, mode); None: the edition's dynasty
    earliest: int  # the work cannot be printed before this year
    era_bracket: bool = False  # 方志: the title starts with ［era］ of the edition


_DYNASTY_START = {"周": -1000, "秦": -221, "漢": -206, "吳": 222, "魏": 220, "晉": 265, "北魏": 386, "南朝宋": 420,
                  "南朝梁": 502, "北齊": 550, "後秦": 384, "唐": 618, "後蜀": 934, "宋": 960, "元": 1271, "明": 1368,
                  "清": 1644, "民國": 1912}


def _canon_works() -> list[_Work]:
    out = []
    for title, juan, cls, authors in _CANON:
        latest = max(_DYNASTY_START.get(d, 0) for d, _, _ in authors)
        out.append(_Work(title, juan, cls, authors, max(latest + 30, 960)))
    for dyn, name, app, cls in _POETS:
        for form in _POET_FORMS:
            if app.endswith(("先生", "公")) and form in ("詩鈔",):
                continue
            out.append(_Work(app + form, None, cls, ((dyn, name, "撰"),), max(_DYNASTY_START[dyn] + 30, 960)))
    return out


_ERA_CACHE: dict[str, list[EraRecord]] = {}


def _eras_of(dynasty: str) -> list[EraRecord]:
    """Eras of a dynasty usable in statements: unique names, inside the dynasty's own span."""
    if dynasty not in _ERA_CACHE:
        rows = [e for e in eras() if e.dynasty == dynasty]
        names = [e.era for e in rows]
        start = {"明": 1368, "清": 1644, "元": 1271, "南宋": 1127, "北宋": 960, "民國": 1912}[dynasty]
        _ERA_CACHE[dynasty] = [e for e in rows if names.count(e.era) == 1 and e.start_year >= start]
    return _ERA_CACHE[dynasty]


@dataclass
class _Dating:
    statement_head: str  # 明萬曆三十年 / 清光緒壬寅(二十八年) / 民國二十年 / 1551 / 清
    dynasty: str
    era: str | None
    year_of_era: int | None
    ganzhi: str | None
    start: int
    end: int
    precision: str


def _pick_dating(rng: random.Random, earliest: int) -> _Dating:
    """A dynasty + era + year in the proportions of a provincial register (mostly Qing)."""
    for _ in range(20):
        r = rng.random()
        dyn = ("北宋" if r < 0.003 else "南宋" if r < 0.01 else "元" if r < 0.02 else "明" if r < 0.22
               else "清" if r < 0.90 else "民國")
        if dyn == "民國":
            y = rng.randint(1, 37)
            if 1911 + y < earliest:
                continue
            return _Dating(f"民國{_year_words(y)}年", "民國", "民國", y, ganzhi_of_year(1911 + y), 1911 + y, 1911 + y,
                           "year")
        pool = _eras_of(dyn)
        weights = [min(e.length, 45) for e in pool]
        era = rng.choices(pool, weights)[0]
        if era.end_year < earliest:
            continue
        label = "宋" if dyn in ("北宋", "南宋") else dyn
        mode = rng.random()
        if mode < 0.25:  # era only: 明萬曆刻本 = the whole era
            return _Dating(f"{label}{era.era}", label, era.era, None, None, era.start_year, era.end_year, "era")
        if mode < 0.30:
            return _Dating(f"{label}{era.era}間", label, era.era, None, None, era.start_year, era.end_year, "era")
        y = rng.randint(1, era.length)
        year = era.gregorian(y)
        if year < earliest:
            continue
        gz = ganzhi_of_year(year)
        head = f"{label}{era.era}{gz}({_year_words(y)}年)" if mode < 0.42 else f"{label}{era.era}{_year_words(y)}年"
        return _Dating(head, label, era.era, y, gz, year, year, "year")
    return _Dating("清", "清", None, None, None, 1644, 1911, "dynasty")


def _person(rng: random.Random) -> str:
    g = rng.randrange(len(_GIVEN) // 2)
    return rng.choice(_SURNAMES) + _GIVEN[2 * g: 2 * g + 2]


def _hao(rng: random.Random) -> str:
    g = rng.randrange(len(_HAO) // 2)
    return _HAO[2 * g: 2 * g + 2]


# ------------------------------------------------------------------------------- records

class _Generator:
    def __init__(self, seed: int, institutions: Sequence[str]):
        if not institutions:
            raise ValueError("give at least one institution code (PPPPPP-UUUU)")
        self.rng = random.Random(seed)
        self.institutions = list(institutions)
        self.serials = [0] * len(self.institutions)
        self.works = _canon_works()

    # --- titles -----------------------------------------------------------------------------

    def work(self) -> _Work:
        rng = self.rng
        r = rng.random()
        if r < 0.40:
            return rng.choice(self.works)
        if r < 0.60:  # 方志
            place, level = rng.choice(_PLACES)
            a, b = _person(rng), _person(rng)
            modes = rng.choice((("修", "纂"), ("纂修", "纂修"), ("監修", "編纂")))
            authors = ((None, a, modes[0]), (None, b, modes[1]))  # dynasty filled from the edition
            title = place + ("鄉土志" if rng.random() < 0.05 else "志")
            if rng.random() < 0.08:
                title = rng.choice(_PROVINCES) + "通志"
                level = "shengzhi"
            return _Work(title, rng.choice((4, 8, 10, 12, 16, 20, 24, 30, 32, 40, 60)), "shi.fangzhi." + level,
                         authors, 1500, era_bracket=True)
        if r < 0.75:  # 家譜
            surname = rng.choice(_SURNAMES)
            title = rng.choice(_CLAN_PLACES) + surname + "氏" + rng.choice(_CLAN_FORMS)
            return _Work(title, rng.choice((1, 2, 4, 6, 8, 10, 12, 16, 20)), "shi.pudie",
                         ((None, surname + _GIVEN[2 * rng.randrange(len(_GIVEN) // 2):][:2], "纂修"),),
                         1700)
        # 清 別集 of minor authors: the long tail of names
        title = _hao(rng) + rng.choice(("", "山房", "草堂", "齋", "軒", "館")) + rng.choice(_HAO_SUFFIX)
        return _Work(title, rng.choice((1, 2, 4, 6, 8, 10, 12)), "ji.bieji.qing", ((None, _person(rng), "撰"),),
                     1650)

    # --- the record ---------------------------------------------------------------------------

    def record(self) -> RecordData:
        rng = self.rng
        w = self.work()
        dating = _pick_dating(rng, w.earliest)
        d = RecordData()

        # institution and number
        k = rng.randrange(len(self.institutions))
        self.serials[k] += 1
        region, unit = self.institutions[k].split("-")
        d.census_number = format_census_number(region, unit, self.serials[k])

        # title and juan
        juan = w.juan if w.juan is not None else rng.choice((4, 6, 8, 10, 12, 16, 20, 24, 30, 40, 50, 60, 80))
        title = w.title
        if title.endswith("鄉土志") and dating.start < 1905:
            title = title[:-3] + "志"  # 鄉土志 were compiled from 1905 on (the school reforms)
        if w.era_bracket:
            if dating.dynasty == "民國":
                title = f"［民國］{title}"
            elif dating.era:
                title = f"［{dating.era}］{title}"
        if rng.random() < 0.04 and juan > 2:
            d.title = f"{title}{format_number(juan)}卷首一卷"
        else:
            d.title = f"{title}{format_number(juan)}卷"
        d.juan_count = juan
        if rng.random() < 0.03:
            d.other_titles = w.title.replace("注疏", "正義") if "注疏" in w.title else f"新刻{w.title}"

        # authors: officials of local gazetteers and clan compilers take the edition's dynasty
        author_dyn = "清" if dating.dynasty == "民國" and rng.random() < 0.3 else dating.dynasty
        d.authors = [AuthorData(name=n, dynasty=(dy or author_dyn), mode=m) for dy, n, m in w.authors]
        d.author_statement = statement_from_authors(d.authors)

        # classification
        parts = w.cls.split(".")
        d.class_branch = parts[0]
        d.class_category = ".".join(parts[:2]) if len(parts) > 1 else None
        d.class_subcategory = w.cls if len(parts) > 2 else None

        self._edition(d, dating)
        self._layout(d, dating)
        self._extent(d, juan)
        self._grades(d, dating)
        self._provenance(d, dating, w)
        inst_prefix = ("善" if d.grade and d.grade[0] in "123" else "普")
        d.call_number = rng.choice((
            f"{inst_prefix}{rng.randint(1, 99999):05d}",
            f"{'經史子集叢'[['jing', 'shi', 'zi', 'ji', 'cong'].index(d.class_branch)]}"
            f"{rng.randint(1, 899)}.{rng.randint(1, 99)}/{rng.randint(1, 9999)}",
            f"{inst_prefix}{rng.randint(1, 9999)}-{rng.randint(1, 40)}",
        ))
        return d

    def _edition(self, d: RecordData, dating: _Dating) -> None:
        rng = self.rng
        start = dating.start
        r = rng.random()
        publisher = place = None
        subtype = None
        if dating.dynasty == "民國" or (start >= 1880 and r < 0.35):
            kind = rng.choices(("鉛印本", "石印本", "影印本", "刻本"), (45, 35, 10, 10))[0]
            if kind == "影印本" and start < 1912:
                kind = "石印本"
            if kind != "刻本":
                publisher, place = rng.choice(_MODERN)
        else:
            kind = rng.choices(("刻本", "刊本", "重刻本", "遞修本", "抄本", "稿本", "木活字印本", "朱墨套印本",
                                "銅活字印本"), (55, 20, 5, 3, 10, 1, 3, 2, 1))[0]
            if kind == "銅活字印本" and not 1490 <= start <= 1750:
                kind = "木活字印本"
            if kind == "朱墨套印本" and start < 1600:
                kind = "刻本"
        printed = ("刻本", "刊本", "重刻本", "遞修本", "木活字印本", "朱墨套印本", "銅活字印本")
        if kind in printed and rng.random() < 0.6:
            t = rng.random()
            if t < 0.2:
                publisher, place = rng.choice(_OFFICIAL)
                if (publisher in ("內府", "經廠", "國子監", "南京國子監", "北京國子監")
                        and dating.dynasty not in ("明", "清")):
                    publisher, place = None, None
                if publisher and publisher.endswith("書局") and start < 1862:
                    publisher, place = None, None
            elif t < 0.75:
                publisher, place = rng.choice(_SHOPS)
            else:
                publisher = rng.choice(_SURNAMES) + "氏" + rng.choice(_PRIVATE_HALLS)
                place = rng.choice(_CAPITALS) if rng.random() < 0.5 else None
        place_text = place or ""
        if publisher and place and publisher.startswith(place):
            place_text = ""
        who = place_text + (publisher or "")
        if dating.precision == "year" and kind == "銅活字印本" and rng.random() < 0.5:
            # The national database sometimes writes the Gregorian year first: 1551芝城銅活字印本
            # (the place must not start with a dynasty name: 金陵, 吳郡 would read as 金, 吳)
            head = str(dating.start)
            who = rng.choice(("芝城", "錫山"))
        else:
            head = dating.statement_head
        d.edition_statement = head + who + kind
        d.edition_dynasty = dating.dynasty
        d.edition_era = dating.era
        d.edition_year_of_era = dating.year_of_era
        d.edition_ganzhi = dating.ganzhi
        d.year_start, d.year_end = dating.start, dating.end
        d.date_precision = dating.precision
        d.publisher = publisher
        d.publication_place = place
        top = {"刊本": "刻本", "重刻本": "刻本", "遞修本": "刻本", "木活字印本": "活字本", "銅活字印本": "活字本",
               "朱墨套印本": "套印本"}.get(kind, kind)
        subtype = {"重刻本": "重刻本", "遞修本": "遞修本", "木活字印本": "木活字本", "銅活字印本": "銅活字本"}.get(kind)
        d.edition_type = top
        d.edition_subtype = subtype
        if rng.random() < 0.02:
            d.edition_supplement = f"卷{format_number(rng.randint(1, 3))}配{dating.dynasty}抄本"

    def _layout(self, d: RecordData, dating: _Dating) -> None:
        rng = self.rng
        if d.edition_type in ("鉛印本", "影印本") or rng.random() < 0.12:
            d.binding = "平裝" if d.edition_type == "鉛印本" and rng.random() < 0.3 else "線裝"
            return
        lines = rng.choice((8, 9, 9, 10, 10, 10, 11, 12, 13))
        chars = rng.choice((18, 19, 20, 20, 21, 22, 22, 23, 24, 25))
        parts = [f"半葉{format_number(lines)}行行{format_number(chars)}字"]
        if rng.random() < 0.4:
            parts.append("小字雙行同")
            d.commentary = "小字雙行同"
        banko = "黑口" if dating.start < 1522 and rng.random() < 0.6 else rng.choice(("白口", "白口", "白口", "細黑口"))
        if banko == "黑口":
            banko = rng.choice(("大黑口", "細黑口", "黑口"))
        border = rng.choice(_BORDERS)
        fish = rng.choice(_FISHTAILS)
        parts += [banko, border, fish]
        d.layout_statement = "，".join(parts)
        d.lines_per_half_leaf, d.chars_per_line = lines, chars
        d.banko, d.border, d.fishtail = banko, border, fish
        if rng.random() < 0.85:
            h = Decimal(rng.randint(120, 260)) / 10 if rng.random() > 0.03 else Decimal(rng.randint(70, 110)) / 10
            d.frame_height_cm = h.quantize(Decimal("0.1"))
            d.frame_width_cm = max(Decimal("5.0"), (h * Decimal(rng.randint(62, 78)) / 100).quantize(Decimal("0.1")))
            d.frame_edge = "outer"
            d.frame_is_half = True
        d.binding = rng.choices(("線裝", "包背裝", "蝴蝶裝", "經折裝", "毛裝"), (94, 2, 1, 1, 2))[0]
        if d.class_category == "zi.shijia" and rng.random() < 0.5:
            d.binding = "經折裝"

    def _extent(self, d: RecordData, juan: int) -> None:
        rng = self.rng
        d.volumes = max(1, min(juan // rng.choice((1, 2, 2, 3, 4, 5)) + rng.randint(0, 2), 400))
        if d.volumes >= 6 and rng.random() < 0.5:
            d.cases = max(1, d.volumes // rng.choice((4, 6, 8, 10)))
        if juan >= 4 and rng.random() < 0.12:
            a = rng.randint(1, juan - 1)
            b = rng.randint(a, juan)
            form = rng.random()
            if form < 0.5:
                d.extant = f"存卷{format_number(a)}至{format_number(b)}"
            elif form < 0.8:
                d.extant = f"存{format_number(b - a + 1)}卷（卷{format_number(a)}至{format_number(b)}）"
            else:
                d.extant = f"缺卷{format_number(a)}"
            d.incomplete_note = rng.choice(("殘本", "殘存", f"卷{format_number(a)}有缺葉", "餘卷佚"))

    def _grades(self, d: RecordData, dating: _Dating) -> None:
        rng = self.rng
        y = dating.start
        r = rng.random()
        if r < 0.12:
            d.grade = None
        elif r < 0.2:
            d.grade = "none"
        elif y < 1127:
            d.grade = "1A"
        elif y < 1368:
            d.grade = "1B"
        elif y <= 1572:
            d.grade = rng.choice(("2A", "2B", "2C", "1C" if d.edition_type == "活字本" else "2B"))
        elif y <= 1644:
            d.grade = rng.choice(("3A", "3B", "3C", "2C"))
        elif y <= 1795:
            d.grade = rng.choice(("3B", "3C", "4", "4"))
        else:
            d.grade = "3C" if d.edition_type in ("稿本",) or (d.annotations and rng.random() < 0.5) else "4"
        if d.grade and d.grade[0] in "12" and rng.random() < 0.15:
            d.national_list_number = f"{rng.randint(1, 13036):05d}"
        elif d.grade and d.grade[0] in "123" and rng.random() < 0.1:
            d.provincial_list = f"遼寧省珍貴古籍名錄第{format_number(rng.randint(1, 5))}批 {rng.randint(1, 2000):04d}"
        if rng.random() < 0.55:
            names = [n for n, _ in _DAMAGE]
            d.damage_grade = rng.choices(names, [w for _, w in _DAMAGE])[0]

    def _provenance(self, d: RecordData, dating: _Dating, w: _Work) -> None:
        rng = self.rng
        rare = bool(d.grade and d.grade[0] in "123")
        n_seals = rng.choices((0, 1, 2, 3, 4, 6), (45, 20, 15, 10, 6, 4) if not rare else (10, 20, 25, 20, 15, 10))[0]
        seals = []
        for _ in range(n_seals):
            if rng.random() < 0.15:
                seals.append(SealData(rng.choice(_INSTITUTION_SEALS), None, rng.choice(_SEAL_POSITIONS)))
                continue
            lib, owner, style = rng.choice(_COLLECTORS)
            text = rng.choice(_SEAL_FORMS).format(lib=lib, owner=owner, style=style)
            seals.append(SealData(text, owner, rng.choice(_SEAL_POSITIONS)))
        d.seals = seals
        if rng.random() < (0.25 if rare else 0.04):
            kinds = list(_ANNOTATION_TEXTS)
            for _ in range(rng.randint(1, 2)):
                kind = rng.choice(kinds)
                person = rng.choice(_ANNOTATORS)
                d.annotations.append(AnnotationData(person, kind, rng.choice(_ANNOTATION_TEXTS[kind])))
        notes = []
        if rng.random() < 0.3:
            notes.append(rng.choice((
                f"卷端題「{w.title}」", "書衣有題簽", "版心下鐫刻工姓名", f"版心上鐫「{w.title[:2]}」",
                "有蟲蛀", "書品寬大", "紙墨精良", "天頭有水漬", "目錄後有刊記", "各卷末有校刊人銜名",
                f"扉頁題「{dating.statement_head}鐫」", "卷首有圖", "附錄一卷")))
        d.notes = "；".join(notes) or None
        if rng.random() < 0.25:
            d.preface_colophon = f"前有{dating.dynasty}{_person(rng)}序" + (
                f"，後有{_person(rng)}跋" if rng.random() < 0.4 else "")
        if d.publisher and rng.random() < 0.2:
            d.publisher_mark = f"卷末有「{d.publisher}梓行」牌記"
        if d.edition_type == "刻本" and rng.random() < 0.06:
            carvers = (rng.choice(_SURNAMES) + rng.choice(_GIVEN) for _ in range(rng.randint(2, 4)))
            d.carvers = "刻工：" + "、".join(carvers)
        if dating.dynasty == "清" and rng.random() < 0.05:
            d.taboo_notes = rng.choice(_TABOO)
        if rng.random() < 0.1:
            d.storage_note = rng.choice(_STORAGE)
        if rng.random() < 0.3:
            d.acquisition = rng.choice(_ACQUIRE).format(y=rng.randint(1950, 2015), person=_person(rng))


def generate(count: int, seed: int = DEFAULT_SEED, institutions: Sequence[str] = ("210000-0101",)
             ) -> Iterator[RecordData]:
    """Yield ``count`` realistic records, deterministically for a given ``seed``.

    ``institutions`` are holding-institution codes (``PPPPPP-UUUU``); each record is
    given to one of them at random and numbered with that institution's next serial
    from 1 (``census_number``), so the numbers are valid for :func:`check` with that
    holder. Derived items (dating, juan count, structured authors, 行款 counts) are
    filled in. Raises ``ValueError`` for a negative count or no institution.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    gen = _Generator(seed, institutions)
    for _ in range(count):
        yield gen.record()


# ------------------------------------------------------------------------- seeding a database
#
# Seeding signs in through the application (guji.app, guji.demo, the user table); generating
# records needs none of it, so those imports are made by the seeding functions and importing
# this module loads no database code.

def _staff(app: Guji) -> list[Guji]:
    """The demo census staff and reviewers that exist in this database, signed in (missing ones skipped).

    Sign-ins run on a few threads: each costs an Argon2 verification (~0.4 s), which
    releases the GIL, and the demo must start quickly.
    """
    from concurrent.futures import ThreadPoolExecutor

    from guji.app import Guji
    from guji.demo import DEMO_STAFF_PASSWORD, DEMO_USERS
    from guji.errors import GujiError

    def sign_in(login: str) -> Guji | None:
        try:
            return Guji.sign_in(app.db, login, DEMO_STAFF_PASSWORD)
        except GujiError:
            return None

    logins = [login for login, _name, roles, _idx in DEMO_USERS if {"census", "reviewer"} & set(roles)]
    with ThreadPoolExecutor(max_workers=len(logins) or 1) as pool:
        return [g for g in pool.map(sign_in, logins) if g is not None]


def seed_records(app: Guji, institution_codes: Sequence[str], *, count: int = 300,
                 seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Register ``count`` generated records through the services; return counts for the summary.

    Records are registered by the demo census staff of their institution (or by ``app``,
    an administrator, where the institution has none), then a share goes through review
    as the demo reviewers would take it: submitted, approved by the unit reviewer,
    approved by the centre reviewer, or returned for correction with a field comment.
    Returns ``{"records": n, "submitted": …, "unit_approved": …, "centre_approved": …,
    "returned": …}``.
    """
    from guji.models.user import Role

    staff = _staff(app)
    census_of: dict[str, Guji] = {}
    reviewer_of: dict[str, Guji] = {}
    centre: list[Guji] = []
    for s in staff:
        code = s.actor.institution_code or ""
        if s.actor.has(Role.CENSUS):
            census_of.setdefault(code, s)
        if s.actor.has(Role.REVIEWER):
            if s.actor.at_centre:
                centre.append(s)
            else:
                reviewer_of.setdefault(code, s)
    rng = random.Random(seed + 1)
    with contextlib.ExitStack() as stack:
        if app.db.is_sqlite:
            # Each service call opens and closes its own SQLite connection (NullPool); closing
            # the last connection of a WAL database checkpoints and removes the WAL, which
            # costs ~10 ms per call. One idle connection held open meanwhile avoids that.
            stack.enter_context(app.db.engine.connect())
        return _seed(app, institution_codes, count, seed, rng, census_of, reviewer_of, centre)


def _seed(app: Guji, institution_codes: Sequence[str], count: int, seed: int, rng: random.Random,
          census_of: dict[str, Guji], reviewer_of: dict[str, Guji], centre: list[Guji]) -> dict[str, int]:
    counts = {"records": 0, "submitted": 0, "unit_approved": 0, "centre_approved": 0, "returned": 0}
    for data in generate(count, seed, institution_codes):
        code = (data.census_number or "")[:11]
        clerk = census_of.get(code, app)
        saved = clerk.census.register_book(data, institution=code)
        counts["records"] += 1
        # A unit without a reviewer of its own is reviewed by the centre; the centre approval
        # then comes from another centre reviewer (four eyes).
        unit_reviewer = reviewer_of.get(code) or (centre[0] if centre else None)
        centre_reviewer = next((c for c in centre if c is not unit_reviewer), None)
        r = rng.random()
        if r < 0.55 or unit_reviewer is None:
            continue  # stays a draft
        clerk.review.submit_for_review(saved.id, "著錄完成，請審核")
        if r < 0.68:
            counts["submitted"] += 1
            continue
        if r < 0.76:
            unit_reviewer.review.return_for_correction(
                saved.id, "請核對版本項", {"edition_statement": "請核對牌記與序跋，確定刊刻年代"})
            counts["returned"] += 1
            continue
        unit_reviewer.review.approve(saved.id, "單位審核通過")
        if r < 0.88 or centre_reviewer is None:
            counts["unit_approved"] += 1
            continue
        centre_reviewer.review.approve(saved.id, "中心審核通過")
        counts["centre_approved"] += 1
    return counts
