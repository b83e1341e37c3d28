//! The explorer's own words in the six UN languages. Data (names, quotes) stays as the API gives it,
//! except country names, which come from the vendored `i18n-iso-countries` locale files (`localize`).

use std::collections::HashMap;

use crate::i18n::Lang;

/// The explorer's words in one language.
#[derive(Debug)]
pub struct Text {
    /// Page title.
    pub title: &'static str,
    /// Search box label.
    pub search: &'static str,
    /// No suggestion.
    pub no_match: &'static str,
    /// Map tab.
    pub view_map: &'static str,
    /// Triangles tab.
    pub view_triangles: &'static str,
    /// Path tab.
    pub view_path: &'static str,
    /// Details heading.
    pub details: &'static str,
    /// Sources heading.
    pub sources: &'static str,
    /// Paragraph abbreviation.
    pub paragraph: &'static str,
    /// Partners heading.
    pub partners: &'static str,
    /// No partners.
    pub no_partners: &'static str,
    /// Shared agreements label.
    pub shared: &'static str,
    /// Path start.
    pub from: &'static str,
    /// Path end.
    pub to: &'static str,
    /// Find paths button.
    pub find: &'static str,
    /// No path message.
    pub no_path: &'static str,
    /// Path label.
    pub path: &'static str,
    /// Hops label.
    pub hops: &'static str,
    /// Prompt.
    pub pick_two: &'static str,
    /// Corner.
    pub beneficiary: &'static str,
    /// Corner.
    pub pivotal: &'static str,
    /// Corner.
    pub facilitating: &'static str,
    /// Empty corner.
    pub not_stated: &'static str,
    /// Partial badge.
    pub partial: &'static str,
    /// Checkbox.
    pub show_partial: &'static str,
    /// Filter.
    pub role: &'static str,
    /// Filter.
    pub agency_type: &'static str,
    /// Filter.
    pub region: &'static str,
    /// Filter.
    pub sdg: &'static str,
    /// Filter.
    pub years: &'static str,
    /// Any option.
    pub any: &'static str,
    /// Triangles of.
    pub of_actor: &'static str,
    /// All actors.
    pub everyone: &'static str,
    /// Role changed prefix.
    pub was: &'static str,
    /// Open map on actor.
    pub open_map: &'static str,
    /// Arrangements counter.
    pub count: &'static str,
    /// Embed button.
    pub embed: &'static str,
    /// Snippet label.
    pub embed_script: &'static str,
    /// Snippet label.
    pub embed_iframe: &'static str,
    /// Snippet label.
    pub embed_oembed: &'static str,
    /// Close.
    pub close: &'static str,
    /// Language menu.
    pub language: &'static str,
    /// Year filter.
    pub as_of: &'static str,
    /// All years.
    pub all_years: &'static str,
    /// Loading.
    pub loading: &'static str,
    /// Failure.
    pub failed: &'static str,
    /// Credit.
    pub countries_credit: &'static str,
}

const EN: Text = Text {
    title: "Explore South-South and triangular cooperation",
    search: "Search agencies, countries, agreements",
    no_match: "No match",
    view_map: "Network",
    view_triangles: "Triangular partnerships",
    view_path: "Through whom?",
    details: "Details",
    sources: "Sources",
    paragraph: "para.",
    partners: "Works with",
    no_partners: "No shared agreements in the data.",
    shared: "shared agreements",
    from: "From",
    to: "To",
    find: "Find paths",
    no_path: "No connection within 6 hops in the data.",
    path: "Path",
    hops: "hops",
    pick_two: "Pick two actors to see how they are connected, and through whom.",
    beneficiary: "Beneficiary",
    pivotal: "Pivotal",
    facilitating: "Facilitating",
    not_stated: "not stated in the sources",
    partial: "Partial: a corner is not stated",
    show_partial: "Include partial arrangements",
    role: "Role",
    agency_type: "Agency type",
    region: "Region",
    sdg: "SDG",
    years: "Years",
    any: "Any",
    of_actor: "Involving",
    everyone: "all actors",
    was: "also",
    open_map: "Open the map on",
    count: "arrangements",
    embed: "Embed this",
    embed_script: "Script tag",
    embed_iframe: "Iframe",
    embed_oembed: "oEmbed URL",
    close: "Close",
    language: "Language",
    as_of: "As of",
    all_years: "All years",
    loading: "Loading…",
    failed: "Could not load",
    countries_credit: "Country names: i18n-iso-countries (MIT)",
};

const FR: Text = Text {
    title: "Explorer la coopération Sud-Sud et triangulaire",
    search: "Rechercher agences, pays, accords",
    no_match: "Aucun résultat",
    view_map: "Réseau",
    view_triangles: "Partenariats triangulaires",
    view_path: "Par qui ?",
    details: "Détails",
    sources: "Sources",
    paragraph: "§",
    partners: "Travaille avec",
    no_partners: "Aucun accord commun dans les données.",
    shared: "accords communs",
    from: "De",
    to: "À",
    find: "Trouver les chemins",
    no_path: "Aucun lien en 6 étapes au plus dans les données.",
    path: "Chemin",
    hops: "étapes",
    pick_two: "Choisissez deux acteurs pour voir comment ils sont liés, et par qui.",
    beneficiary: "Bénéficiaire",
    pivotal: "Pivot",
    facilitating: "Facilitateur",
    not_stated: "non indiqué dans les sources",
    partial: "Partiel : un sommet n’est pas indiqué",
    show_partial: "Inclure les arrangements partiels",
    role: "Rôle",
    agency_type: "Type d’agence",
    region: "Région",
    sdg: "ODD",
    years: "Années",
    any: "Tous",
    of_actor: "Impliquant",
    everyone: "tous les acteurs",
    was: "aussi",
    open_map: "Ouvrir la carte sur",
    count: "arrangements",
    embed: "Intégrer",
    embed_script: "Balise script",
    embed_iframe: "Iframe",
    embed_oembed: "URL oEmbed",
    close: "Fermer",
    language: "Langue",
    as_of: "À la date de",
    all_years: "Toutes les années",
    loading: "Chargement…",
    failed: "Chargement impossible",
    countries_credit: "Noms de pays : i18n-iso-countries (MIT)",
};

const ES: Text = Text {
    title: "Explorar la cooperación Sur-Sur y triangular",
    search: "Buscar agencias, países, acuerdos",
    no_match: "Sin resultados",
    view_map: "Red",
    view_triangles: "Alianzas triangulares",
    view_path: "¿A través de quién?",
    details: "Detalles",
    sources: "Fuentes",
    paragraph: "párr.",
    partners: "Trabaja con",
    no_partners: "No hay acuerdos compartidos en los datos.",
    shared: "acuerdos compartidos",
    from: "Desde",
    to: "Hasta",
    find: "Buscar caminos",
    no_path: "Ninguna conexión en 6 pasos o menos en los datos.",
    path: "Camino",
    hops: "pasos",
    pick_two: "Elija dos actores para ver cómo se conectan y a través de quién.",
    beneficiary: "Beneficiario",
    pivotal: "Pivote",
    facilitating: "Facilitador",
    not_stated: "no indicado en las fuentes",
    partial: "Parcial: falta un vértice",
    show_partial: "Incluir acuerdos parciales",
    role: "Función",
    agency_type: "Tipo de agencia",
    region: "Región",
    sdg: "ODS",
    years: "Años",
    any: "Todos",
    of_actor: "Con",
    everyone: "todos los actores",
    was: "también",
    open_map: "Abrir el mapa en",
    count: "acuerdos",
    embed: "Insertar",
    embed_script: "Etiqueta script",
    embed_iframe: "Iframe",
    embed_oembed: "URL oEmbed",
    close: "Cerrar",
    language: "Idioma",
    as_of: "A fecha de",
    all_years: "Todos los años",
    loading: "Cargando…",
    failed: "No se pudo cargar",
    countries_credit: "Nombres de países: i18n-iso-countries (MIT)",
};

const AR: Text = Text {
    title: "استكشاف التعاون فيما بين بلدان الجنوب والتعاون الثلاثي",
    search: "ابحث عن الوكالات والبلدان والاتفاقات",
    no_match: "لا نتائج",
    view_map: "الشبكة",
    view_triangles: "الشراكات الثلاثية",
    view_path: "عبر مَن؟",
    details: "التفاصيل",
    sources: "المصادر",
    paragraph: "الفقرة",
    partners: "يعمل مع",
    no_partners: "لا اتفاقات مشتركة في البيانات.",
    shared: "اتفاقات مشتركة",
    from: "من",
    to: "إلى",
    find: "ابحث عن المسارات",
    no_path: "لا صلة في حدود 6 خطوات في البيانات.",
    path: "المسار",
    hops: "خطوات",
    pick_two: "اختر جهتين لترى كيف ترتبطان وعبر مَن.",
    beneficiary: "المستفيد",
    pivotal: "المحوري",
    facilitating: "الميسّر",
    not_stated: "غير مذكور في المصادر",
    partial: "جزئي: أحد الأركان غير مذكور",
    show_partial: "تضمين الترتيبات الجزئية",
    role: "الدور",
    agency_type: "نوع الوكالة",
    region: "المنطقة",
    sdg: "هدف التنمية المستدامة",
    years: "السنوات",
    any: "الكل",
    of_actor: "بمشاركة",
    everyone: "كل الجهات",
    was: "أيضًا",
    open_map: "افتح الخريطة على",
    count: "ترتيبات",
    embed: "تضمين",
    embed_script: "وسم script",
    embed_iframe: "إطار iframe",
    embed_oembed: "رابط oEmbed",
    close: "إغلاق",
    language: "اللغة",
    as_of: "حتى عام",
    all_years: "كل السنوات",
    loading: "جارٍ التحميل…",
    failed: "تعذّر التحميل",
    countries_credit: "أسماء البلدان: i18n-iso-countries (MIT)",
};

const ZH: Text = Text {
    title: "探索南南合作与三方合作",
    search: "搜索机构、国家、协议",
    no_match: "无匹配结果",
    view_map: "网络",
    view_triangles: "三方伙伴关系",
    view_path: "通过谁？",
    details: "详情",
    sources: "来源",
    paragraph: "段",
    partners: "合作方",
    no_partners: "数据中没有共同协议。",
    shared: "项共同协议",
    from: "从",
    to: "到",
    find: "查找路径",
    no_path: "数据中 6 步以内没有联系。",
    path: "路径",
    hops: "步",
    pick_two: "选择两个行为体，查看它们如何相连、通过谁相连。",
    beneficiary: "受益方",
    pivotal: "关键方",
    facilitating: "促进方",
    not_stated: "来源中未说明",
    partial: "不完整：有一角未说明",
    show_partial: "包括不完整的安排",
    role: "角色",
    agency_type: "机构类型",
    region: "区域",
    sdg: "可持续发展目标",
    years: "年份",
    any: "全部",
    of_actor: "涉及",
    everyone: "所有行为体",
    was: "亦为",
    open_map: "在地图上打开",
    count: "项安排",
    embed: "嵌入",
    embed_script: "Script 标签",
    embed_iframe: "Iframe",
    embed_oembed: "oEmbed 网址",
    close: "关闭",
    language: "语言",
    as_of: "截至",
    all_years: "所有年份",
    loading: "加载中…",
    failed: "无法加载",
    countries_credit: "国家名称：i18n-iso-countries（MIT）",
};

const RU: Text = Text {
    title: "Обзор сотрудничества Юг–Юг и трёхстороннего сотрудничества",
    search: "Поиск агентств, стран, соглашений",
    no_match: "Ничего не найдено",
    view_map: "Сеть",
    view_triangles: "Трёхсторонние партнёрства",
    view_path: "Через кого?",
    details: "Подробности",
    sources: "Источники",
    paragraph: "п.",
    partners: "Работает с",
    no_partners: "В данных нет общих соглашений.",
    shared: "общих соглашений",
    from: "От",
    to: "До",
    find: "Найти пути",
    no_path: "В данных нет связи не длиннее 6 шагов.",
    path: "Путь",
    hops: "шагов",
    pick_two: "Выберите двух участников, чтобы увидеть, как и через кого они связаны.",
    beneficiary: "Бенефициар",
    pivotal: "Опорный",
    facilitating: "Содействующий",
    not_stated: "не указано в источниках",
    partial: "Частично: одна вершина не указана",
    show_partial: "Включать неполные",
    role: "Роль",
    agency_type: "Тип агентства",
    region: "Регион",
    sdg: "ЦУР",
    years: "Годы",
    any: "Любой",
    of_actor: "С участием",
    everyone: "все участники",
    was: "также",
    open_map: "Открыть карту:",
    count: "договорённостей",
    embed: "Встроить",
    embed_script: "Тег script",
    embed_iframe: "Iframe",
    embed_oembed: "URL oEmbed",
    close: "Закрыть",
    language: "Язык",
    as_of: "На дату",
    all_years: "Все годы",
    loading: "Загрузка…",
    failed: "Не удалось загрузить",
    countries_credit: "Названия стран: i18n-iso-countries (MIT)",
};

/// The explorer's words in `lang`.
pub fn text(lang: Lang) -> &'static Text {
    match lang {
        Lang::En => &EN,
        Lang::Fr => &FR,
        Lang::Es => &ES,
        Lang::Ar => &AR,
        Lang::Zh => &ZH,
        Lang::Ru => &RU,
    }
}

/// The name to show for node `id`: a country's name in the interface language when the locale file
/// has it (`names`: ISO alpha-3 → name), the API's name otherwise.
pub fn localize<'a>(names: &'a HashMap<String, String>, id: &str, name: &'a str) -> &'a str {
    id.strip_prefix("country:").and_then(|iso3| names.get(iso3)).map_or(name, String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_languages_and_country_names() {
        assert_eq!(text(Lang::Ar).view_path, "عبر مَن؟");
        assert_eq!(text(Lang::parse("ru")).close, "Закрыть");
        let names = HashMap::from([("IND".to_owned(), "Inde".to_owned())]);
        assert_eq!(localize(&names, "country:IND", "India"), "Inde");
        assert_eq!(localize(&names, "agency:undp", "UNDP"), "UNDP");
        assert_eq!(localize(&names, "country:BRA", "Brazil"), "Brazil");
    }
}
