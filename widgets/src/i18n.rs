//! Interface strings in the six UN languages: Arabic, Chinese, English, French, Russian and Spanish
//! (`lang=ar|zh|en|fr|ru|es`; Arabic is right to left). Data (names, quotes) stays as
//! the API gives it; only the widget's own words are translated.

use partnergraph_schema::{EdgeType, NodeKind};

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English (the default).
    En,
    /// French.
    Fr,
    /// Spanish.
    Es,
    /// Arabic (right to left).
    Ar,
    /// Chinese (simplified).
    Zh,
    /// Russian.
    Ru,
}

/// The widget's own words in one language.
#[derive(Debug)]
pub struct Strings {
    /// BCP 47 tag for the `lang` attribute.
    pub tag: &'static str,
    /// Accessible name of the map region.
    pub map_label: &'static str,
    /// Layout switch label and its two options.
    pub layout: &'static str,
    /// Force-directed layout.
    pub force: &'static str,
    /// Geographic layout.
    pub geo: &'static str,
    /// Depth selector label.
    pub depth: &'static str,
    /// Time slider label.
    pub year: &'static str,
    /// Time slider value when unset.
    pub all_years: &'static str,
    /// Replay button.
    pub replay: &'static str,
    /// Stop replay button.
    pub stop: &'static str,
    /// Show the table.
    pub show_table: &'static str,
    /// Hide the table.
    pub hide_table: &'static str,
    /// Table caption prefix.
    pub table_caption: &'static str,
    /// Column headers.
    pub name: &'static str,
    /// Kind column.
    pub kind: &'static str,
    /// Relation column.
    pub relation: &'static str,
    /// Roles column.
    pub roles: &'static str,
    /// Dates column.
    pub dates: &'static str,
    /// Sources heading.
    pub sources: &'static str,
    /// Nodes heading.
    pub nodes: &'static str,
    /// Relations heading.
    pub relations: &'static str,
    /// Button that re-focuses the map on a node.
    pub focus_on: &'static str,
    /// Loading message.
    pub loading: &'static str,
    /// Failure message prefix.
    pub failed: &'static str,
    /// Truncation notice.
    pub truncated: &'static str,
    /// Side rail heading (geographic layout).
    pub no_location: &'static str,
    /// Geographic layout with no located node.
    pub none_located: &'static str,
    /// Keyboard help.
    pub keys: &'static str,
    /// Reset view button.
    pub reset_view: &'static str,
    /// Paragraph abbreviation.
    pub paragraph: &'static str,
    /// Shown instead of a map when the embed's `focus` cannot be a node id.
    pub bad_focus: &'static str,
}

const EN: Strings = Strings {
    tag: "en",
    map_label: "Partnership network map",
    layout: "Layout",
    force: "Network",
    geo: "Map",
    depth: "Depth",
    year: "Year",
    all_years: "All years",
    replay: "Replay",
    stop: "Stop",
    show_table: "Show table",
    hide_table: "Hide table",
    table_caption: "Nodes and relations around",
    name: "Name",
    kind: "Kind",
    relation: "Relation",
    roles: "Roles",
    dates: "Dates",
    sources: "Sources",
    nodes: "Nodes",
    relations: "Relations",
    focus_on: "Focus",
    loading: "Loading the network…",
    failed: "The network could not be loaded",
    truncated: "Showing the first nodes only; increase the limit or reduce the depth.",
    no_location: "Without a location",
    none_located: "None of these nodes has a location; they are listed beside the map.",
    keys: "Arrow keys move between nodes, Enter focuses the map on the selected node, + and − zoom, 0 resets the view.",
    reset_view: "Reset view",
    paragraph: "para.",
    bad_focus: "This map’s focus id is too long or not valid, so no map is shown",
};

const FR: Strings = Strings {
    tag: "fr",
    map_label: "Carte du réseau de partenariats",
    layout: "Disposition",
    force: "Réseau",
    geo: "Carte",
    depth: "Profondeur",
    year: "Année",
    all_years: "Toutes les années",
    replay: "Rejouer",
    stop: "Arrêter",
    show_table: "Afficher le tableau",
    hide_table: "Masquer le tableau",
    table_caption: "Nœuds et relations autour de",
    name: "Nom",
    kind: "Type",
    relation: "Relation",
    roles: "Rôles",
    dates: "Dates",
    sources: "Sources",
    nodes: "Nœuds",
    relations: "Relations",
    focus_on: "Centrer",
    loading: "Chargement du réseau…",
    failed: "Le réseau n’a pas pu être chargé",
    truncated: "Seuls les premiers nœuds sont affichés ; augmentez la limite ou réduisez la profondeur.",
    no_location: "Sans localisation",
    none_located: "Aucun de ces nœuds n’a de localisation ; ils sont listés à côté de la carte.",
    keys: "Les flèches passent d’un nœud à l’autre, Entrée centre la carte sur le nœud choisi, + et − zooment, 0 réinitialise la vue.",
    reset_view: "Réinitialiser la vue",
    paragraph: "§",
    bad_focus: "L’identifiant de focus de cette carte est trop long ou invalide : aucune carte n’est affichée",
};

const ES: Strings = Strings {
    tag: "es",
    map_label: "Mapa de la red de alianzas",
    layout: "Disposición",
    force: "Red",
    geo: "Mapa",
    depth: "Profundidad",
    year: "Año",
    all_years: "Todos los años",
    replay: "Reproducir",
    stop: "Detener",
    show_table: "Mostrar tabla",
    hide_table: "Ocultar tabla",
    table_caption: "Nodos y relaciones en torno a",
    name: "Nombre",
    kind: "Tipo",
    relation: "Relación",
    roles: "Roles",
    dates: "Fechas",
    sources: "Fuentes",
    nodes: "Nodos",
    relations: "Relaciones",
    focus_on: "Centrar",
    loading: "Cargando la red…",
    failed: "No se pudo cargar la red",
    truncated: "Solo se muestran los primeros nodos; aumente el límite o reduzca la profundidad.",
    no_location: "Sin ubicación",
    none_located: "Ninguno de estos nodos tiene ubicación; se listan junto al mapa.",
    keys: "Las flechas pasan de un nodo a otro, Intro centra el mapa en el nodo elegido, + y − hacen zoom, 0 restablece la vista.",
    reset_view: "Restablecer la vista",
    paragraph: "párr.",
    bad_focus: "El identificador de foco de este mapa es demasiado largo o no es válido, así que no se muestra ningún mapa",
};

const AR: Strings = Strings {
    tag: "ar",
    map_label: "خريطة شبكة الشراكات",
    layout: "التخطيط",
    force: "شبكة",
    geo: "خريطة",
    depth: "العمق",
    year: "السنة",
    all_years: "كل السنوات",
    replay: "إعادة العرض",
    stop: "إيقاف",
    show_table: "إظهار الجدول",
    hide_table: "إخفاء الجدول",
    table_caption: "العقد والعلاقات حول",
    name: "الاسم",
    kind: "النوع",
    relation: "العلاقة",
    roles: "الأدوار",
    dates: "التواريخ",
    sources: "المصادر",
    nodes: "العقد",
    relations: "العلاقات",
    focus_on: "تركيز",
    loading: "جارٍ تحميل الشبكة…",
    failed: "تعذّر تحميل الشبكة",
    truncated: "تُعرض العقد الأولى فقط؛ ارفع الحد أو قلّل العمق.",
    no_location: "بلا موقع",
    none_located: "لا موقع لأي من هذه العقد؛ وهي مدرجة بجانب الخريطة.",
    keys: "تنقّل مفاتيح الأسهم بين العقد، ويركّز Enter الخريطة على العقدة المختارة، و+ و− للتكبير، و0 لإعادة العرض.",
    reset_view: "إعادة العرض",
    paragraph: "الفقرة",
    bad_focus: "معرّف التركيز لهذه الخريطة طويل جدًا أو غير صالح، لذلك لا تُعرض أي خريطة",
};

const ZH: Strings = Strings {
    tag: "zh",
    map_label: "伙伴关系网络图",
    layout: "布局",
    force: "网络",
    geo: "地图",
    depth: "深度",
    year: "年份",
    all_years: "所有年份",
    replay: "回放",
    stop: "停止",
    show_table: "显示表格",
    hide_table: "隐藏表格",
    table_caption: "节点及其关系：",
    name: "名称",
    kind: "类型",
    relation: "关系",
    roles: "角色",
    dates: "日期",
    sources: "来源",
    nodes: "节点",
    relations: "关系",
    focus_on: "聚焦",
    loading: "正在加载网络…",
    failed: "无法加载网络",
    truncated: "仅显示前面的节点；请提高上限或减少深度。",
    no_location: "无位置",
    none_located: "这些节点都没有位置；它们列在地图旁边。",
    keys: "方向键在节点间移动，Enter 将地图聚焦到所选节点，+ 和 − 缩放，0 重置视图。",
    reset_view: "重置视图",
    paragraph: "段",
    bad_focus: "此地图的焦点标识过长或无效，因此不显示地图",
};

const RU: Strings = Strings {
    tag: "ru",
    map_label: "Карта сети партнёрств",
    layout: "Вид",
    force: "Сеть",
    geo: "Карта",
    depth: "Глубина",
    year: "Год",
    all_years: "Все годы",
    replay: "Воспроизвести",
    stop: "Стоп",
    show_table: "Показать таблицу",
    hide_table: "Скрыть таблицу",
    table_caption: "Узлы и связи вокруг",
    name: "Название",
    kind: "Тип",
    relation: "Связь",
    roles: "Роли",
    dates: "Даты",
    sources: "Источники",
    nodes: "Узлы",
    relations: "Связи",
    focus_on: "В центр",
    loading: "Загрузка сети…",
    failed: "Не удалось загрузить сеть",
    truncated: "Показаны только первые узлы; увеличьте лимит или уменьшите глубину.",
    no_location: "Без местоположения",
    none_located: "Ни у одного из этих узлов нет местоположения; они перечислены рядом с картой.",
    keys: "Стрелки переходят между узлами, Enter центрирует карту на выбранном узле, + и − масштабируют, 0 сбрасывает вид.",
    reset_view: "Сбросить вид",
    paragraph: "п.",
    bad_focus: "Идентификатор фокуса этой карты слишком длинный или недопустимый, поэтому карта не показана",
};

impl Lang {
    /// All six, in the order the language menu lists them.
    pub const ALL: [Lang; 6] = [Lang::Ar, Lang::Zh, Lang::En, Lang::Fr, Lang::Ru, Lang::Es];

    /// Whether the script runs right to left.
    pub fn rtl(self) -> bool {
        self == Lang::Ar
    }

    /// The language's own name, for the language menu.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Ar => "العربية",
            Lang::Zh => "中文",
            Lang::En => "English",
            Lang::Fr => "Français",
            Lang::Ru => "Русский",
            Lang::Es => "Español",
        }
    }

    /// Reads a language tag (`fr`, `fr-CH`, `es-419`, `ar`, `zh-Hans`, `ru`); anything else is English.
    pub fn parse(tag: &str) -> Lang {
        match tag.get(..2).map(str::to_ascii_lowercase).as_deref() {
            Some("fr") => Lang::Fr,
            Some("es") => Lang::Es,
            Some("ar") => Lang::Ar,
            Some("zh") => Lang::Zh,
            Some("ru") => Lang::Ru,
            _ => Lang::En,
        }
    }

    /// The interface strings.
    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::En => &EN,
            Lang::Fr => &FR,
            Lang::Es => &ES,
            Lang::Ar => &AR,
            Lang::Zh => &ZH,
            Lang::Ru => &RU,
        }
    }

    /// A node kind's name.
    pub fn kind(self, kind: NodeKind) -> &'static str {
        let names: [&str; 6] = match self {
            Lang::En => ["Agency", "Country", "City", "Network", "Agreement", "Event"],
            Lang::Fr => ["Agence", "Pays", "Ville", "Réseau", "Accord", "Événement"],
            Lang::Es => ["Agencia", "País", "Ciudad", "Red", "Acuerdo", "Evento"],
            Lang::Ar => ["وكالة", "بلد", "مدينة", "شبكة", "اتفاق", "حدث"],
            Lang::Zh => ["机构", "国家", "城市", "网络", "协议", "活动"],
            Lang::Ru => ["Агентство", "Страна", "Город", "Сеть", "Соглашение", "Событие"],
        };
        let idx = NodeKind::ALL.iter().position(|each| *each == kind).unwrap_or(0);
        names[idx]
    }

    /// An edge type's name, read from source to target ("hosted by").
    pub fn edge(self, ty: EdgeType) -> &'static str {
        let names: [&str; 8] = match self {
            Lang::En => ["member of", "hosted by", "located in", "participates in", "funds", "administered by", "organised by", "part of"],
            Lang::Fr => {
                ["membre de", "hébergé par", "situé à", "participe à", "finance", "administré par", "organisé par", "fait partie de"]
            }
            Lang::Es => {
                ["miembro de", "acogido por", "situado en", "participa en", "financia", "administrado por", "organizado por", "parte de"]
            }
            Lang::Ar => ["عضو في", "تستضيفه", "يقع في", "يشارك في", "يموّل", "يديره", "ينظّمه", "جزء من"],
            Lang::Zh => ["成员：", "托管方：", "位于", "参与", "资助", "管理方：", "主办方：", "隶属"],
            Lang::Ru => ["член", "при", "находится в", "участвует в", "финансирует", "управляется", "организовано", "часть"],
        };
        let idx = EdgeType::ALL.iter().position(|each| *each == ty).unwrap_or(0);
        names[idx]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tags_and_names_everything() {
        assert_eq!(Lang::parse("fr-CH"), Lang::Fr);
        assert_eq!(Lang::parse("es"), Lang::Es);
        assert_eq!(Lang::parse("x"), Lang::En);
        assert_eq!(Lang::Fr.kind(NodeKind::Event), "Événement");
        assert_eq!(Lang::En.edge(EdgeType::HostedBy), "hosted by");
        assert_eq!(Lang::Es.strings().tag, "es");
        assert_eq!(Lang::parse("ar-EG").strings().tag, "ar");
        assert_eq!(Lang::parse("zh-Hans-CN"), Lang::Zh);
        assert_eq!(Lang::Ru.kind(NodeKind::Country), "Страна");
    }
}
