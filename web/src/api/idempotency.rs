//! Safe retries of record creation: the `Idempotency-Key` request header, and the answer that
//! tells a new record (201 Created) from a replay of an earlier request with the same key (200,
//! the earlier record, nothing created). The domain stores the key with the record, unique per
//! user, so even two concurrent requests with one key create a single record. The key is also
//! bound to the body it was first sent with (`domain::idempotency`, per user and endpoint): the
//! same key with another body is refused, 422 `idempotency_key_reused`, for every endpoint that
//! takes this header (orders, POs, WhatsApp messages).

use salvo::extract::{Extractible, Metadata};
use salvo::http::StatusCode;
use salvo::oapi::{
    self, BasicType, Components, Content, EndpointArgRegister, EndpointOutRegister, Object,
    Operation, Parameter, ParameterIn, ToSchema,
};
use salvo::writing::Json;
use salvo::{Depot, Request, Response, Writer, async_trait};
use serde::Serialize;

use crate::error::WebError;
use domain::FieldErrors;

pub const HEADER: &str = "idempotency-key";
pub const MAX_KEY_CHARS: usize = 200;

/// The caller's key for this creation, if it sent one.
#[derive(Debug, Clone, Default)]
pub struct IdempotencyKey(pub Option<String>);

impl<'ex> Extractible<'ex> for IdempotencyKey {
    fn metadata() -> &'static Metadata {
        static METADATA: Metadata = Metadata::new("");
        &METADATA
    }

    #[expect(
        refining_impl_trait,
        reason = "salvo calls this through the trait; naming WebError here keeps the error type visible"
    )]
    async fn extract(req: &'ex mut Request, depot: &'ex mut Depot) -> Result<Self, WebError> {
        let key = read_key(req)?;
        if let Some(key) = &key {
            check_body(req, depot, key).await?;
        }
        Ok(IdempotencyKey(key))
    }
}

/// Refuses `key` when the user sent it to this endpoint before with another body.
async fn check_body(req: &mut Request, depot: &Depot, key: &str) -> Result<(), WebError> {
    let state = crate::state::of(depot)?;
    let user = crate::auth::current_user(depot)?;
    let scope = format!("{} {}", req.method(), req.uri().path());
    let body = req
        .payload_with_max_size(crate::api::body::MAX_BODY_BYTES)
        .await
        .cloned()
        .unwrap_or_default();
    let mut conn = state.pool.acquire().await?;
    let same = domain::idempotency::bind(
        &mut conn,
        user.actor.user_id,
        &scope,
        key,
        &domain::idempotency::fingerprint(&body),
        state.clock.now(),
    )
    .await?;
    if same {
        Ok(())
    } else {
        Err(WebError::Refused {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "idempotency_key_reused",
            message: "Idempotency-Key ini sudah dipakai untuk permintaan lain (isi berbeda). \
                      Pakai kunci baru untuk permintaan baru."
                .to_owned(),
        })
    }
}

/// The header's key: absent, or 1 to [`MAX_KEY_CHARS`] printable characters.
fn read_key(req: &Request) -> Result<Option<String>, WebError> {
    {
        let Some(value) = req.headers().get(HEADER) else {
            return Ok(None);
        };
        let key = value
            .to_str()
            .ok()
            .map(str::trim)
            .filter(|k| !k.is_empty() && k.chars().count() <= MAX_KEY_CHARS);
        match key {
            Some(key) => Ok(Some(key.to_owned())),
            None => {
                let mut fields = FieldErrors::new();
                fields.insert(
                    "Idempotency-Key".to_owned(),
                    format!("harus teks ASCII 1 sampai {MAX_KEY_CHARS} karakter"),
                );
                Err(WebError::Validation {
                    message: "Header Idempotency-Key tidak valid".to_owned(),
                    fields,
                })
            }
        }
    }
}

impl EndpointArgRegister for IdempotencyKey {
    fn register(_components: &mut Components, operation: &mut Operation, _arg: &str) {
        operation.parameters.insert(
            Parameter::new("Idempotency-Key")
                .location(ParameterIn::Header)
                .required(false)
                .description(
                    "Any unique text (e.g. a UUID) chosen by the client for this creation. \
                     Repeating the request with the same key returns the record created the \
                     first time (200) and never creates a second one. The key is bound to the \
                     body first sent with it: another body with the same key is refused with \
                     422 `idempotency_key_reused`.",
                )
                .schema(Object::with_type(BasicType::String).max_length(MAX_KEY_CHARS)),
        );
    }
}

/// A record that a POST created (201), or found already created with the same key (200).
#[derive(Debug)]
pub struct Saved<T> {
    pub record: T,
    pub created: bool,
}

#[async_trait]
impl<T: Serialize + Send> Writer for Saved<T> {
    async fn write(self, _req: &mut Request, _depot: &mut Depot, res: &mut Response) {
        res.status_code(if self.created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        });
        res.render(Json(self.record));
    }
}

impl<T: ToSchema> EndpointOutRegister for Saved<T> {
    fn register(components: &mut Components, operation: &mut Operation) {
        let schema = T::to_schema(components);
        operation.responses.insert(
            "201",
            oapi::Response::new("Created: the new record")
                .add_content("application/json", Content::new(schema.clone())),
        );
        operation.responses.insert(
            "200",
            oapi::Response::new(
                "The Idempotency-Key was used before: the record created then; nothing new",
            )
            .add_content("application/json", Content::new(schema)),
        );
    }
}
