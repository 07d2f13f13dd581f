//! What the tray shows: how many questions wait for an answer and how long the oldest has
//! waited, in the seller's language, plus the tray menu's labels. The shell only applies it.

use serde::Serialize;
use ts_rs::TS;

use crate::notify::Language;

/// The tray's text and count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "TrayStatus.ts")]
pub struct TrayStatus {
    /// Unanswered questions across accounts.
    #[ts(type = "number")]
    pub unanswered: i64,
    /// Minutes the oldest unanswered question has waited.
    #[ts(type = "number | null")]
    pub oldest_minutes: Option<i64>,
    /// Tooltip text.
    pub tooltip: String,
    /// Short title beside the icon (the count, empty at zero).
    pub title: String,
    /// Listings at or under their low-stock threshold (out of stock included).
    #[ts(type = "number")]
    pub low_stock: i64,
}

/// "25 min", "3 h 10", "2 d": how long something has waited.
pub fn age(minutes: i64) -> String {
    let minutes = minutes.max(0);
    if minutes < 60 {
        format!("{minutes} min")
    } else if minutes < 24 * 60 {
        format!("{} h {:02}", minutes / 60, minutes % 60)
    } else {
        format!("{} d", minutes / (24 * 60))
    }
}

/// The tray status for `unanswered` questions, the oldest waiting `oldest_minutes`.
pub fn status(
    unanswered: i64,
    oldest_minutes: Option<i64>,
    low_stock: i64,
    language: Language,
) -> TrayStatus {
    let tooltip = match (unanswered, oldest_minutes) {
        (0, _) | (_, None) => match language {
            Language::Es => "Mostrador: sin preguntas pendientes".to_owned(),
            Language::Pt => "Mostrador: nenhuma pergunta pendente".to_owned(),
            Language::En => "Mostrador: no questions waiting".to_owned(),
        },
        (n, Some(m)) => {
            let waited = age(m);
            match language {
                Language::Es => {
                    format!("Mostrador: {n} sin responder · la más antigua espera {waited}")
                }
                Language::Pt => {
                    format!("Mostrador: {n} sem resposta · a mais antiga espera há {waited}")
                }
                Language::En => format!("Mostrador: {n} unanswered · oldest waiting {waited}"),
            }
        }
    };
    TrayStatus {
        unanswered,
        oldest_minutes: (unanswered > 0).then_some(oldest_minutes).flatten(),
        tooltip,
        title: if unanswered > 0 {
            unanswered.to_string()
        } else {
            String::new()
        },
        low_stock,
    }
}

/// The tray menu's line for listings running low ("Stock bajo: 3 publicaciones"); none at 0.
pub fn low_stock_label(low_stock: i64, language: Language) -> Option<String> {
    (low_stock > 0).then(|| match (language, low_stock) {
        (Language::Es, 1) => "Stock bajo: 1 publicación".to_owned(),
        (Language::Es, n) => format!("Stock bajo: {n} publicaciones"),
        (Language::Pt, 1) => "Estoque baixo: 1 anúncio".to_owned(),
        (Language::Pt, n) => format!("Estoque baixo: {n} anúncios"),
        (Language::En, 1) => "Low stock: 1 listing".to_owned(),
        (Language::En, n) => format!("Low stock: {n} listings"),
    })
}

/// Labels of the tray menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuLabels {
    /// Opens the window.
    pub open: &'static str,
    /// Pauses notifications for an hour.
    pub pause: &'static str,
    /// Polls now.
    pub sync: &'static str,
    /// Quits.
    pub quit: &'static str,
}

/// The tray menu in `language`.
pub fn menu_labels(language: Language) -> MenuLabels {
    match language {
        Language::Es => MenuLabels {
            open: "Abrir Mostrador",
            pause: "Pausar notificaciones 1 h",
            sync: "Sincronizar ahora",
            quit: "Salir",
        },
        Language::Pt => MenuLabels {
            open: "Abrir o Mostrador",
            pause: "Pausar notificações por 1 h",
            sync: "Sincronizar agora",
            quit: "Sair",
        },
        Language::En => MenuLabels {
            open: "Open Mostrador",
            pause: "Pause notifications for 1 h",
            sync: "Sync now",
            quit: "Quit",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_ages_in_each_language() {
        let s = status(3, Some(190), 2, Language::Es);
        assert_eq!(s.low_stock, 2);
        assert_eq!(
            low_stock_label(2, Language::Es).as_deref(),
            Some("Stock bajo: 2 publicaciones")
        );
        assert_eq!(low_stock_label(0, Language::En), None);
        assert_eq!(s.title, "3");
        assert_eq!(
            s.tooltip,
            "Mostrador: 3 sin responder · la más antigua espera 3 h 10"
        );
        assert!(
            status(1, Some(5), 0, Language::Pt)
                .tooltip
                .contains("1 sem resposta")
        );
        assert!(
            status(2, Some(3000), 0, Language::En)
                .tooltip
                .ends_with("2 d")
        );
        let none = status(0, None, 0, Language::En);
        assert_eq!((none.title.as_str(), none.oldest_minutes), ("", None));
        assert_eq!(menu_labels(Language::Pt).quit, "Sair");
    }
}
