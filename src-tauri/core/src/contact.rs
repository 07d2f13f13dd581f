//! Writing to a buyer first. Mercado Libre does not let a seller open a conversation freely: the
//! action guide of the order lists the reasons allowed (ask for variants, for billing data, send
//! the invoice link, OTHER with free text…), each with its remaining cap and character limit.
//! This module turns the guide into what the dialog offers and checks a choice against it; the
//! message itself is queued in the outbox like any other and sent through the guide's path.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::marketplace::postsale::GuideOption;
use crate::outbox::writes::GuideChoice;

/// One reason the seller may use to write first, as the dialog offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "ContactOption.ts")]
pub struct ContactOption {
    /// Mercado Libre's option id (`REQUEST_BILLING_INFO`, `OTHER`…; the UI names the ones it
    /// knows and shows others by id).
    pub id: String,
    /// Whether the seller writes the text; otherwise Mercado Libre's template is sent.
    pub free_text: bool,
    /// The longest text accepted (free text only).
    #[ts(type = "number | null")]
    pub char_limit: Option<i64>,
    /// Messages of this reason still allowed for the order.
    #[ts(type = "number")]
    pub cap_available: i64,
    /// Whether it can be used now (a used cap, or OTHER after delivery, say no).
    pub enabled: bool,
}

impl From<&GuideOption> for ContactOption {
    fn from(o: &GuideOption) -> Self {
        Self {
            id: o.id.clone(),
            free_text: o.free_text,
            char_limit: o.free_text.then_some(o.char_limit).flatten(),
            cap_available: o.cap_available,
            enabled: o.enabled,
        }
    }
}

/// What the seller chose in the dialog.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[ts(export, export_to = "ContactDraft.ts")]
pub struct ContactDraft {
    /// The option's id.
    pub option_id: String,
    /// The text, for a free-text option.
    #[serde(default)]
    #[ts(optional)]
    pub text: Option<String>,
}

/// The code of a refusal because the chosen reason cannot be used now.
pub const OPTION_UNAVAILABLE: &str = "the chosen reason is not available for this order";

/// Checks `draft` against the guide as read now: the option exists and is enabled, a free text
/// is present and within its limit. Returns what the outbox row sends and the local copy's text.
pub fn choose(guide: &[GuideOption], draft: &ContactDraft) -> Result<(GuideChoice, String)> {
    let option = guide
        .iter()
        .find(|o| o.id == draft.option_id)
        .ok_or_else(|| {
            Error::InvalidInput(format!(
                "Mercado Libre does not offer {:?} for this order",
                draft.option_id
            ))
        })?;
    if !option.enabled {
        return Err(Error::InvalidInput(format!(
            "{OPTION_UNAVAILABLE} ({}: {} left)",
            option.id, option.cap_available
        )));
    }
    let text = if option.free_text {
        let text = draft.text.as_deref().unwrap_or_default().trim().to_owned();
        if text.is_empty() {
            return Err(Error::InvalidInput("the message is empty".into()));
        }
        let chars = text.chars().count() as i64;
        let limit = option
            .char_limit
            .unwrap_or(crate::outbox::writes::MESSAGE_MAX_CHARS as i64);
        if chars > limit {
            return Err(Error::InvalidInput(format!(
                "the message has {chars} characters; this reason accepts at most {limit}"
            )));
        }
        text
    } else {
        option.template_id.clone().ok_or_else(|| {
            Error::InvalidInput(format!("{} offers no template to send", option.id))
        })?
    };
    let choice = GuideChoice {
        option_id: option.id.clone(),
        template_id: (!option.free_text).then(|| text.clone()),
    };
    Ok((choice, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guide() -> Vec<GuideOption> {
        vec![
            GuideOption {
                id: "REQUEST_BILLING_INFO".into(),
                free_text: false,
                template_id: Some("TEMPLATE___REQUEST_BILLING_INFO___1".into()),
                char_limit: Some(350),
                cap_available: 1,
                enabled: true,
            },
            GuideOption {
                id: "SEND_INVOICE_LINK".into(),
                free_text: false,
                template_id: Some("TEMPLATE___SEND_INVOICE_LINK___1".into()),
                char_limit: Some(350),
                cap_available: 0,
                enabled: false,
            },
            GuideOption {
                id: "OTHER".into(),
                free_text: true,
                template_id: None,
                char_limit: Some(20),
                cap_available: 1,
                enabled: true,
            },
        ]
    }

    fn draft(option: &str, text: Option<&str>) -> ContactDraft {
        ContactDraft {
            option_id: option.into(),
            text: text.map(str::to_owned),
        }
    }

    #[test]
    fn a_template_option_sends_its_template_and_ignores_any_text() {
        let (choice, text) = choose(&guide(), &draft("REQUEST_BILLING_INFO", Some("x"))).unwrap();
        assert_eq!(
            choice.template_id.as_deref(),
            Some("TEMPLATE___REQUEST_BILLING_INFO___1")
        );
        assert_eq!(text, "TEMPLATE___REQUEST_BILLING_INFO___1");
    }

    #[test]
    fn free_text_is_trimmed_and_held_to_the_options_limit() {
        let (choice, text) = choose(&guide(), &draft("OTHER", Some("  ¿Color?  "))).unwrap();
        assert_eq!((choice.template_id, text.as_str()), (None, "¿Color?"));
        let long = choose(&guide(), &draft("OTHER", Some(&"a".repeat(21)))).unwrap_err();
        assert!(long.to_string().contains("at most 20"), "{long}");
        assert!(choose(&guide(), &draft("OTHER", Some("   "))).is_err());
        assert!(choose(&guide(), &draft("OTHER", None)).is_err());
    }

    #[test]
    fn a_used_cap_or_an_unknown_option_is_refused_before_anything_is_queued() {
        let used = choose(&guide(), &draft("SEND_INVOICE_LINK", None)).unwrap_err();
        assert!(used.to_string().contains("not available"), "{used}");
        let unknown = choose(&guide(), &draft("DELIVERY_PROMISE", None)).unwrap_err();
        assert!(unknown.to_string().contains("does not offer"), "{unknown}");
    }
}
