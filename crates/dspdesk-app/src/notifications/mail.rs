//! E-mail over SMTP through lettre: `smtp://host:port` (plain, for a relay on the same
//! machine), `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://host`
//! (TLS), as lettre reads the URL.

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error(
        "the SMTP URL is not usable ({0}): write it as smtp://host:port or smtp://user:password@host:587?tls=required"
    )]
    Url(String),
    #[error("the sender address {0:?} is not an e-mail address")]
    From(String),
    #[error("the address {0:?} is not an e-mail address")]
    To(String),
    #[error("the message could not be built: {0}")]
    Build(String),
    #[error("the SMTP server did not take the message: {0}")]
    Send(String),
}

pub(super) fn parse_address(raw: &str) -> Option<Mailbox> {
    raw.parse::<Mailbox>().ok()
}

/// An SMTP connection's settings and the sender's address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The URL without its password, for the operations page.
    pub shown: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("smtp", &self.shown).finish()
    }
}

impl Mailer {
    pub fn new(url: &str, from: &str) -> Result<Mailer, MailerError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailerError::Url(e.to_string()))?
            .timeout(Some(std::time::Duration::from_secs(30)))
            .build();
        let from = parse_address(from).ok_or_else(|| MailerError::From(from.into()))?;
        Ok(Mailer {
            transport,
            from,
            shown: dspdesk_store::redact(url),
        })
    }

    /// An HTML message with its plain-text twin and one file attached.
    pub async fn send_with_file(
        &self,
        to: &str,
        subject: &str,
        text: &str,
        html: &str,
        file: (&str, &str, Vec<u8>),
    ) -> Result<(), MailerError> {
        use lettre::message::header::{ContentTransferEncoding, ContentType};
        use lettre::message::{Attachment, MultiPart, SinglePart};
        // Quoted-printable: readable in the raw message, whatever the text holds.
        let part = |kind: ContentType, body: &str| {
            SinglePart::builder()
                .header(kind)
                .header(ContentTransferEncoding::QuotedPrintable)
                .body(body.to_owned())
        };
        let to = parse_address(to).ok_or_else(|| MailerError::To(to.into()))?;
        let (name, mime, bytes) = file;
        let kind = ContentType::parse(mime).map_err(|e| MailerError::Build(e.to_string()))?;
        let msg = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .multipart(
                MultiPart::mixed()
                    .multipart(
                        MultiPart::alternative()
                            .singlepart(part(ContentType::TEXT_PLAIN, text))
                            .singlepart(part(ContentType::TEXT_HTML, html)),
                    )
                    .singlepart(Attachment::new(name.to_owned()).body(bytes, kind)),
            );
        self.deliver(msg).await
    }

    /// Hands a built message to the SMTP server.
    async fn deliver(&self, msg: Result<Message, lettre::error::Error>) -> Result<(), MailerError> {
        let msg = msg.map_err(|e| MailerError::Build(e.to_string()))?;
        self.transport
            .send(msg)
            .await
            .map_err(|e| MailerError::Send(e.to_string()))?;
        Ok(())
    }

    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), MailerError> {
        let to = parse_address(to).ok_or_else(|| MailerError::To(to.into()))?;
        let msg = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .body(body.to_owned());
        self.deliver(msg).await
    }
}
