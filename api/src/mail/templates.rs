//! Mail texts in English and French, plain text and HTML. Every value that comes from a user is
//! escaped in HTML; subjects are fixed texts, so user input can never reach a header except the
//! recipient's name, which [`super::header_safe`] cleans.

use chrono::{DateTime, Utc};
use entity::SupportRole;

use crate::domain::Language;

/// A mail's subject and bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What a mail says.
#[derive(Debug, Clone)]
pub enum Template<'a> {
    /// An account was created for the person: choose a password.
    Welcome {
        link: &'a str,
        hours: u64,
    },
    /// A password reset was requested.
    PasswordReset {
        link: &'a str,
        minutes: u64,
    },
    /// The password was changed or reset; all sessions ended.
    PasswordChanged,
    TwoFactorEnabled,
    TwoFactorDisabled,
    RecoveryCodesRegenerated,
    /// A recovery code was used to log in; how many are left.
    RecoveryCodeUsed {
        remaining: u64,
    },
    /// A right code was sent again after it had been used: someone else may know it.
    SecondFactorCodeReused,
    /// Second-factor checks are refused for a day after too many wrong codes.
    SecondFactorLocked,
    /// A sign-in from a client (network and browser) the account had not signed in from.
    NewSignIn {
        /// When, e.g. `2026-12-05 16:58 UTC`.
        at: &'a str,
        /// The client's address; `None` when unknown.
        address: Option<&'a str>,
        /// The client's browser and system (`Firefox on Linux`), never its raw `User-Agent`;
        /// `None` when not recognised.
        agent: Option<&'a str>,
    },
    /// The contact's e-mail address changed (sent to the old and the new address).
    EmailChanged {
        company: &'a str,
        old: &'a str,
        new: &'a str,
    },
    /// An existing account became a contact of another company.
    AddedToCompany {
        company: &'a str,
    },
    /// A Security Administrator applied a role change to the person's contact.
    RolesChanged {
        company: &'a str,
        support_role: Option<SupportRole>,
        security_admin: bool,
    },
    /// Something happened on a support request the person follows.
    Request {
        notice: RequestNotice,
        human_id: &'a str,
        title: &'a str,
        /// The question, answer, reason, final answer or message that came with it.
        text: Option<&'a str>,
        /// When a proposed solution closes by itself.
        closes_at: Option<DateTime<Utc>>,
        link: &'a str,
    },
}

/// What happened on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestNotice {
    Submitted,
    ClarificationRequested,
    Clarified,
    MessageFromSupport,
    MessageFromCustomer,
    PausedForExternal,
    Resumed,
    SentToRnd,
    CorrectionDelivered,
    ClosureProposed,
    ClosureValidated,
    ClosureRefused,
    Closed,
    AutoClosed,
    Reopened,
    Assigned,
    /// To the customer side: an agent took the request or was given it.
    TakenInCharge,
    /// To the customer side: the support changed the classification (the text lists how).
    Reclassified,
    ClosureReminder,
    ClarificationReminder,
}

impl RequestNotice {
    pub const ALL: [RequestNotice; 20] = [
        Self::Submitted,
        Self::ClarificationRequested,
        Self::Clarified,
        Self::MessageFromSupport,
        Self::MessageFromCustomer,
        Self::PausedForExternal,
        Self::Resumed,
        Self::SentToRnd,
        Self::CorrectionDelivered,
        Self::ClosureProposed,
        Self::ClosureValidated,
        Self::ClosureRefused,
        Self::Closed,
        Self::AutoClosed,
        Self::Reopened,
        Self::Assigned,
        Self::TakenInCharge,
        Self::Reclassified,
        Self::ClosureReminder,
        Self::ClarificationReminder,
    ];

    /// The subject's words and the sentence that says what happened.
    fn words(self, language: Language) -> (&'static str, &'static str) {
        use Language::{En, Fr};
        match (self, language) {
            (Self::Submitted, En) => ("New request", "was submitted."),
            (Self::Submitted, Fr) => ("Nouvelle demande", "a été soumise."),
            (Self::ClarificationRequested, En) => (
                "Clarification requested",
                "needs more information from you. Answer with Clarify on the request's page.",
            ),
            (Self::ClarificationRequested, Fr) => (
                "Demande de clarification",
                "nécessite des précisions de votre part. Répondez avec « Clarifier » sur la page de la demande.",
            ),
            (Self::Clarified, En) => (
                "Clarification received",
                "is back with the support: the customer answered.",
            ),
            (Self::Clarified, Fr) => (
                "Clarification reçue",
                "revient au support : le client a répondu.",
            ),
            (Self::MessageFromSupport, En) => (
                "New message from the support",
                "has a new message from the support.",
            ),
            (Self::MessageFromSupport, Fr) => (
                "Nouveau message du support",
                "a un nouveau message du support.",
            ),
            (Self::MessageFromCustomer, En) => (
                "New message from the customer",
                "has a new message from the customer.",
            ),
            (Self::MessageFromCustomer, Fr) => (
                "Nouveau message du client",
                "a un nouveau message du client.",
            ),
            (Self::PausedForExternal, En) => (
                "Waiting for external information",
                "is paused while the support waits for external information.",
            ),
            (Self::PausedForExternal, Fr) => (
                "En attente d'une information externe",
                "est en pause le temps que le support obtienne une information externe.",
            ),
            (Self::Resumed, En) => (
                "Analysis resumed",
                "is being analysed again by the support.",
            ),
            (Self::Resumed, Fr) => (
                "Analyse reprise",
                "est de nouveau en cours d'analyse par le support.",
            ),
            (Self::SentToRnd, En) => (
                "Sent to R&D",
                "was sent to research and development for a correction.",
            ),
            (Self::SentToRnd, Fr) => (
                "Transmise à la R&D",
                "a été transmise à la recherche et développement pour correction.",
            ),
            (Self::CorrectionDelivered, En) => (
                "Correction delivered",
                "has a correction: validate or refuse the closure.",
            ),
            (Self::CorrectionDelivered, Fr) => (
                "Correction livrée",
                "a une correction : validez ou refusez la fermeture.",
            ),
            (Self::ClosureProposed, En) => (
                "Solution proposed",
                "has a proposed solution: validate or refuse the closure.",
            ),
            (Self::ClosureProposed, Fr) => (
                "Solution proposée",
                "a une solution proposée : validez ou refusez la fermeture.",
            ),
            (Self::ClosureValidated, En) => (
                "Closure validated",
                "was closed: the customer validated the solution.",
            ),
            (Self::ClosureValidated, Fr) => (
                "Fermeture validée",
                "a été fermée : le client a validé la solution.",
            ),
            (Self::ClosureRefused, En) => (
                "Closure refused",
                "is back with the support: the customer refused the closure.",
            ),
            (Self::ClosureRefused, Fr) => (
                "Fermeture refusée",
                "revient au support : le client a refusé la fermeture.",
            ),
            (Self::Closed, En) => ("Request closed", "was closed."),
            (Self::Closed, Fr) => ("Demande fermée", "a été fermée."),
            (Self::AutoClosed, En) => (
                "Request closed automatically",
                "was closed automatically: the proposed solution had no answer.",
            ),
            (Self::AutoClosed, Fr) => (
                "Demande fermée automatiquement",
                "a été fermée automatiquement : la solution proposée est restée sans réponse.",
            ),
            (Self::Reopened, En) => (
                "Request reopened",
                "was reopened and is back with the support.",
            ),
            (Self::Reopened, Fr) => ("Demande rouverte", "a été rouverte et revient au support."),
            (Self::Assigned, En) => ("Request assigned to you", "is now assigned to you."),
            (Self::Assigned, Fr) => (
                "Demande qui vous est assignée",
                "vous est désormais assignée.",
            ),
            (Self::TakenInCharge, En) => (
                "Request taken in charge",
                "is now in the hands of a support agent.",
            ),
            (Self::TakenInCharge, Fr) => (
                "Demande prise en charge",
                "est désormais entre les mains d'un agent du support.",
            ),
            (Self::Reclassified, En) => {
                ("Request reclassified", "was reclassified by the support:")
            }
            (Self::Reclassified, Fr) => ("Demande reclassée", "a été reclassée par le support :"),
            (Self::ClosureReminder, En) => (
                "Reminder: a solution awaits your validation",
                "has a proposed solution that awaits your validation.",
            ),
            (Self::ClosureReminder, Fr) => (
                "Rappel : une solution attend votre validation",
                "a une solution proposée qui attend votre validation.",
            ),
            (Self::ClarificationReminder, En) => (
                "Reminder: the support awaits your answer",
                "still needs more information from you. Answer with Clarify on the request's page.",
            ),
            (Self::ClarificationReminder, Fr) => (
                "Rappel : le support attend votre réponse",
                "nécessite toujours des précisions de votre part. Répondez avec « Clarifier » sur la page de la demande.",
            ),
        }
    }
}

impl Template<'_> {
    /// The stable name stored with the mail.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Welcome { .. } => "WELCOME",
            Self::PasswordReset { .. } => "PASSWORD_RESET",
            Self::PasswordChanged => "PASSWORD_CHANGED",
            Self::TwoFactorEnabled => "TWO_FACTOR_ENABLED",
            Self::TwoFactorDisabled => "TWO_FACTOR_DISABLED",
            Self::RecoveryCodesRegenerated => "RECOVERY_CODES_REGENERATED",
            Self::RecoveryCodeUsed { .. } => "RECOVERY_CODE_USED",
            Self::SecondFactorCodeReused => "SECOND_FACTOR_CODE_REUSED",
            Self::SecondFactorLocked => "SECOND_FACTOR_LOCKED",
            Self::NewSignIn { .. } => "NEW_SIGN_IN",
            Self::EmailChanged { .. } => "EMAIL_CHANGED",
            Self::AddedToCompany { .. } => "ADDED_TO_COMPANY",
            Self::RolesChanged { .. } => "ROLES_CHANGED",
            Self::Request { .. } => "REQUEST_NOTICE",
        }
    }
}

/// The person's roles in words, in `language`.
fn roles_text(
    support_role: Option<SupportRole>,
    security_admin: bool,
    language: Language,
) -> String {
    use Language::{En, Fr};
    let mut names: Vec<&str> = Vec::new();
    if let Some(role) = support_role {
        names.push(match (role, language) {
            (SupportRole::Restricted, En) => "Support Restricted",
            (SupportRole::Restricted, Fr) => "Support restreint",
            (SupportRole::Advanced, En) => "Support Advanced",
            (SupportRole::Advanced, Fr) => "Support avancé",
            (SupportRole::Administrator, En) => "Support Administrator",
            (SupportRole::Administrator, Fr) => "Administrateur support",
        });
    }
    if security_admin {
        names.push(match language {
            En => "Security Administrator",
            Fr => "Administrateur sécurité",
        });
    }
    if names.is_empty() {
        match language {
            En => "none".into(),
            Fr => "aucun".into(),
        }
    } else {
        names.join(", ")
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

struct Parts {
    subject: String,
    greeting: &'static str,
    paragraphs: Vec<String>,
    link: Option<(String, &'static str)>,
    closing: &'static str,
}

fn parts(template: &Template<'_>, language: Language) -> Parts {
    use Language::{En, Fr};
    let (greeting, closing) = match language {
        En => ("Hello", "The support team"),
        Fr => ("Bonjour", "L'équipe support"),
    };
    let not_you = match language {
        En => "If you did not do this, contact your Security Administrator at once.",
        Fr => {
            "Si vous n'êtes pas à l'origine de cette action, contactez immédiatement votre administrateur sécurité."
        }
    };
    let (subject, paragraphs, link): (String, Vec<String>, Option<(String, &'static str)>) =
        match (template, language) {
            (Template::Welcome { link, hours }, En) => (
                "Your support portal account".into(),
                vec![
                    "An account was created for you on the support portal.".into(),
                    format!("Choose your password with this link, valid for {hours} hours and usable once:"),
                ],
                Some(((*link).to_owned(), "Choose my password")),
            ),
            (Template::Welcome { link, hours }, Fr) => (
                "Votre compte sur le portail support".into(),
                vec![
                    "Un compte a été créé pour vous sur le portail support.".into(),
                    format!("Choisissez votre mot de passe avec ce lien, valable {hours} heures et utilisable une seule fois :"),
                ],
                Some(((*link).to_owned(), "Choisir mon mot de passe")),
            ),
            (Template::PasswordReset { link, minutes }, En) => (
                "Reset your support portal password".into(),
                vec![
                    "Someone asked to reset the password of your support portal account.".into(),
                    format!("Choose a new password with this link, valid for {minutes} minutes and usable once:"),
                    "If you did not ask for this, ignore this mail: your password stays the same.".into(),
                ],
                Some(((*link).to_owned(), "Choose a new password")),
            ),
            (Template::PasswordReset { link, minutes }, Fr) => (
                "Réinitialisation de votre mot de passe".into(),
                vec![
                    "Une réinitialisation du mot de passe de votre compte sur le portail support a été demandée.".into(),
                    format!("Choisissez un nouveau mot de passe avec ce lien, valable {minutes} minutes et utilisable une seule fois :"),
                    "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste inchangé.".into(),
                ],
                Some(((*link).to_owned(), "Choisir un nouveau mot de passe")),
            ),
            (Template::PasswordChanged, En) => (
                "Your password was changed".into(),
                vec![
                    "The password of your support portal account was changed, and every other session was ended.".into(),
                    not_you.into(),
                ],
                None,
            ),
            (Template::PasswordChanged, Fr) => (
                "Votre mot de passe a été modifié".into(),
                vec![
                    "Le mot de passe de votre compte sur le portail support a été modifié et toutes les autres sessions ont été fermées.".into(),
                    not_you.into(),
                ],
                None,
            ),
            (Template::TwoFactorEnabled, En) => (
                "Two-factor authentication is on".into(),
                vec![
                    "Two-factor authentication was turned on for your support portal account. Keep your recovery codes somewhere safe.".into(),
                    not_you.into(),
                ],
                None,
            ),
            (Template::TwoFactorEnabled, Fr) => (
                "Authentification à deux facteurs activée".into(),
                vec![
                    "L'authentification à deux facteurs a été activée sur votre compte. Conservez vos codes de secours en lieu sûr.".into(),
                    not_you.into(),
                ],
                None,
            ),
            (Template::TwoFactorDisabled, En) => (
                "Two-factor authentication is off".into(),
                vec![
                    "Two-factor authentication was turned off for your support portal account.".into(),
                    not_you.into(),
                ],
                None,
            ),
            (Template::TwoFactorDisabled, Fr) => (
                "Authentification à deux facteurs désactivée".into(),
                vec![
                    "L'authentification à deux facteurs a été désactivée sur votre compte.".into(),
                    not_you.into(),
                ],
                None,
            ),
            (Template::RecoveryCodesRegenerated, En) => (
                "New recovery codes".into(),
                vec![
                    "New recovery codes were generated for your account; the previous ones no longer work.".into(),
                    not_you.into(),
                ],
                None,
            ),
            (Template::RecoveryCodesRegenerated, Fr) => (
                "Nouveaux codes de secours".into(),
                vec![
                    "De nouveaux codes de secours ont été générés pour votre compte ; les précédents ne fonctionnent plus.".into(),
                    not_you.into(),
                ],
                None,
            ),
            (Template::RecoveryCodeUsed { remaining }, En) => (
                "A recovery code was used".into(),
                vec![
                    format!("A recovery code was used to log in to your support portal account; {remaining} unused codes are left."),
                    not_you.into(),
                ],
                None,
            ),
            (Template::RecoveryCodeUsed { remaining }, Fr) => (
                "Un code de secours a été utilisé".into(),
                vec![
                    format!("Un code de secours a servi à vous connecter au portail support ; il vous reste {remaining} codes inutilisés."),
                    not_you.into(),
                ],
                None,
            ),
            (Template::NewSignIn { at, address, agent }, En) => (
                "New sign-in to your support portal account".into(),
                vec![
                    format!(
                        "Your support portal account was signed in to on {at} from {}, with {}: a network and browser it had not been signed in from before.",
                        address.unwrap_or("an unknown address"),
                        agent.unwrap_or("a browser or program not recognised"),
                    ),
                    "If this was you, there is nothing to do. Otherwise change your password at once and tell your Security Administrator.".into(),
                ],
                None,
            ),
            (Template::NewSignIn { at, address, agent }, Fr) => (
                "Nouvelle connexion à votre compte du portail support".into(),
                vec![
                    format!(
                        "Votre compte du portail support a été utilisé pour se connecter le {at} depuis {}, avec {} : un réseau et un navigateur jamais utilisés auparavant pour ce compte.",
                        address.unwrap_or("une adresse inconnue"),
                        agent.unwrap_or("un navigateur ou programme non reconnu"),
                    ),
                    "Si c'était vous, il n'y a rien à faire. Sinon, changez immédiatement votre mot de passe et prévenez votre administrateur sécurité.".into(),
                ],
                None,
            ),
            (Template::SecondFactorCodeReused, En) => (
                "A code of your authenticator app was sent again".into(),
                vec![
                    "A code of your authenticator app that had already been used was sent again to log in to your account. It was refused, but someone else may know your password and see your codes.".into(),
                    "Change your password, and tell your Security Administrator if you did not do this.".into(),
                ],
                None,
            ),
            (Template::SecondFactorCodeReused, Fr) => (
                "Un code de votre application d'authentification a été réutilisé".into(),
                vec![
                    "Un code déjà utilisé de votre application d'authentification a de nouveau été envoyé pour se connecter à votre compte. Il a été refusé, mais quelqu'un d'autre connaît peut-être votre mot de passe et voit vos codes.".into(),
                    "Changez votre mot de passe et prévenez votre administrateur sécurité si vous n'êtes pas à l'origine de cette tentative.".into(),
                ],
                None,
            ),
            (Template::SecondFactorLocked, En) => (
                "Second-factor checks blocked for a day".into(),
                vec![
                    "Too many wrong second-factor codes were sent for your support portal account: logins that need one are refused for the next 24 hours.".into(),
                    "Someone may know your password: change it once you can log in again.".into(),
                ],
                None,
            ),
            (Template::SecondFactorLocked, Fr) => (
                "Vérifications du second facteur bloquées pour une journée".into(),
                vec![
                    "Trop de codes de second facteur erronés ont été envoyés pour votre compte : les connexions qui en demandent un sont refusées pendant 24 heures.".into(),
                    "Quelqu'un connaît peut-être votre mot de passe : changez-le dès que vous pourrez vous reconnecter.".into(),
                ],
                None,
            ),
            (Template::EmailChanged { company, old, new }, En) => (
                "Your e-mail address changed".into(),
                vec![
                    format!("The e-mail address of your contact at {company} changed from {old} to {new}; mail about its requests now goes to the new address."),
                    not_you.into(),
                ],
                None,
            ),
            (Template::EmailChanged { company, old, new }, Fr) => (
                "Votre adresse e-mail a changé".into(),
                vec![
                    format!("L'adresse e-mail de votre contact chez {company} est passée de {old} à {new} ; les messages sur ses demandes partent désormais à la nouvelle adresse."),
                    not_you.into(),
                ],
                None,
            ),
            (Template::AddedToCompany { company }, En) => (
                "You were added to a company".into(),
                vec![
                    format!("You are now a contact of {company} on the support portal."),
                    "Log in with your usual account and choose this company in the company switcher.".into(),
                ],
                None,
            ),
            (Template::AddedToCompany { company }, Fr) => (
                "Vous avez été ajouté à une société".into(),
                vec![
                    format!("Vous êtes désormais contact de {company} sur le portail support."),
                    "Connectez-vous avec votre compte habituel et choisissez cette société dans le sélecteur de société.".into(),
                ],
                None,
            ),
            (Template::RolesChanged { company, support_role, security_admin }, En) => (
                "Your roles changed".into(),
                vec![
                    format!("A Security Administrator of {company} changed your roles."),
                    format!("Your roles now: {}.", roles_text(*support_role, *security_admin, En)),
                ],
                None,
            ),
            (Template::RolesChanged { company, support_role, security_admin }, Fr) => (
                "Vos rôles ont changé".into(),
                vec![
                    format!("Un administrateur sécurité de {company} a modifié vos rôles."),
                    format!("Vos rôles désormais : {}.", roles_text(*support_role, *security_admin, Fr)),
                ],
                None,
            ),
            (Template::Request { notice, human_id, title, text, closes_at, link }, language) => {
                let (words, sentence) = notice.words(language);
                let mut paragraphs = vec![match language {
                    En => format!("Request {human_id} \"{title}\" {sentence}"),
                    Fr => format!("La demande {human_id} « {title} » {sentence}"),
                }];
                if let Some(text) = text {
                    paragraphs.push((*text).to_owned());
                }
                if let Some(at) = closes_at {
                    let at = at.format("%Y-%m-%d %H:%M UTC");
                    paragraphs.push(match language {
                        En => format!("Without an answer, it closes automatically on {at}."),
                        Fr => format!("Sans réponse, elle sera fermée automatiquement le {at}."),
                    });
                }
                paragraphs.push(match language {
                    En => "Open the request:".into(),
                    Fr => "Ouvrir la demande :".into(),
                });
                let label = match language {
                    En => "Open the request",
                    Fr => "Ouvrir la demande",
                };
                (format!("[{human_id}] {words}"), paragraphs, Some(((*link).to_owned(), label)))
            }
        };
    Parts {
        subject,
        greeting,
        paragraphs,
        link,
        closing,
    }
}

/// The mail for `template` in `language`, addressed to `name`.
pub fn render(template: &Template<'_>, language: Language, name: &str) -> Rendered {
    let parts = parts(template, language);
    let mut text = format!("{} {},\n\n", parts.greeting, name);
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><body style=\"font-family:sans-serif\"><p>{} {},</p>",
        language.code(),
        parts.greeting,
        escape_html(name)
    );
    // The link follows the last paragraph that announces it (user text may end with ':' too).
    let link_after = parts.paragraphs.iter().rposition(|p| p.ends_with(':'));
    for (index, paragraph) in parts.paragraphs.iter().enumerate() {
        text.push_str(paragraph);
        text.push_str("\n\n");
        html.push_str(&format!("<p>{}</p>", escape_html(paragraph)));
        if let Some((link, label)) = &parts.link
            && link_after == Some(index)
        {
            text.push_str(link);
            text.push_str("\n\n");
            html.push_str(&format!(
                "<p><a href=\"{}\">{}</a></p>",
                escape_html(link),
                escape_html(label)
            ));
        }
    }
    text.push_str(&format!("-- \n{}\n", parts.closing));
    html.push_str(&format!(
        "<p>{}</p></body></html>",
        escape_html(parts.closing)
    ));
    Rendered {
        subject: parts.subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_appear_in_both_bodies_and_names_are_escaped_in_html() {
        let template = Template::Welcome {
            link: "https://portal.example/account/setup#token=abc",
            hours: 72,
        };
        let mail = render(&template, Language::Fr, "Zoé <b>&</b>");
        assert_eq!(mail.subject, "Votre compte sur le portail support");
        assert!(mail.text.starts_with("Bonjour Zoé <b>&</b>,"));
        assert!(
            mail.text
                .contains("https://portal.example/account/setup#token=abc\n")
        );
        assert!(mail.html.contains("Zoé &lt;b&gt;&amp;&lt;/b&gt;"));
        assert!(
            mail.html
                .contains("href=\"https://portal.example/account/setup#token=abc\"")
        );
        let english = render(&template, Language::En, "Zoé");
        assert!(english.text.contains("valid for 72 hours"));
    }

    #[test]
    fn every_template_has_both_languages() {
        let templates = [
            Template::Welcome {
                link: "l",
                hours: 1,
            },
            Template::PasswordReset {
                link: "l",
                minutes: 1,
            },
            Template::PasswordChanged,
            Template::TwoFactorEnabled,
            Template::TwoFactorDisabled,
            Template::RecoveryCodesRegenerated,
            Template::RecoveryCodeUsed { remaining: 9 },
            Template::SecondFactorCodeReused,
            Template::SecondFactorLocked,
            Template::NewSignIn {
                at: "2026-12-05 16:58 UTC",
                address: Some("203.0.113.7"),
                agent: None,
            },
            Template::EmailChanged {
                company: "Acme",
                old: "a@acme.example",
                new: "b@acme.example",
            },
            Template::AddedToCompany { company: "Acme" },
            Template::RolesChanged {
                company: "Acme",
                support_role: Some(SupportRole::Advanced),
                security_admin: true,
            },
        ];
        let requests = RequestNotice::ALL.map(|notice| Template::Request {
            notice,
            human_id: "SR-2026-000001",
            title: "Stock",
            text: None,
            closes_at: None,
            link: "l",
        });
        for template in templates.iter().chain(&requests) {
            let en = render(template, Language::En, "A");
            let fr = render(template, Language::Fr, "A");
            assert_ne!(en.subject, fr.subject, "{}", template.kind());
        }
    }
}
