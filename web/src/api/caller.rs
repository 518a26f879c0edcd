//! The authenticated caller of an API request, as an endpoint argument. The auth hoop has already
//! loaded the session (cookie or `Authorization: Bearer`) into the depot; this takes it out, or
//! answers 401 before the body is even read. Listing it among an endpoint's arguments also puts
//! the endpoint's security requirement into the OpenAPI document.

use domain::{Actor, Role};
use salvo::extract::{Extractible, Metadata};
use salvo::oapi::{Components, EndpointArgRegister, Operation, SecurityRequirement};
use salvo::{Depot, Request};

use crate::error::WebError;

/// The security schemes the OpenAPI document declares (see `openapi.rs`).
pub const BEARER_SCHEME: &str = "bearer";
pub const COOKIE_SCHEME: &str = "session_cookie";

#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
}

impl Caller {
    /// 403 unless the caller has one of `roles`; `who` names them for the message.
    pub fn require(&self, roles: &[Role], who: &str) -> Result<(), WebError> {
        if roles.contains(&self.actor.role) {
            Ok(())
        } else {
            Err(WebError::Forbidden(format!(
                "Hanya {who} yang bisa mengakses ini (peran Anda: {})",
                self.actor.role
            )))
        }
    }
}

impl<'ex> Extractible<'ex> for Caller {
    fn metadata() -> &'static Metadata {
        static METADATA: Metadata = Metadata::new("");
        &METADATA
    }

    #[expect(
        refining_impl_trait,
        reason = "salvo calls this through the trait; naming WebError here keeps the error type visible"
    )]
    async fn extract(_req: &'ex mut Request, depot: &'ex mut Depot) -> Result<Self, WebError> {
        let user = crate::auth::current_user(depot)?;
        Ok(Caller {
            actor: user.actor.clone(),
        })
    }
}

impl EndpointArgRegister for Caller {
    fn register(_components: &mut Components, operation: &mut Operation, _arg: &str) {
        // Either scheme will do: alternatives are separate requirement objects.
        let securities = operation.securities.get_or_insert_default();
        securities.push(SecurityRequirement::new(
            BEARER_SCHEME,
            Vec::<String>::new(),
        ));
        securities.push(SecurityRequirement::new(
            COOKIE_SCHEME,
            Vec::<String>::new(),
        ));
    }
}
