//! The `{id}` path parameter of a record's routes. Anything that is not a positive whole number
//! cannot name a record, so it is "not found" (404), the same answer as an id that does not exist.

use salvo::extract::{Extractible, Metadata};
use salvo::oapi::{
    BasicType, Components, EndpointArgRegister, KnownFormat, Object, Operation, Parameter,
    ParameterIn, SchemaFormat,
};
use salvo::{Depot, Request};

use crate::error::WebError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordId(pub i64);

impl<'ex> Extractible<'ex> for RecordId {
    fn metadata() -> &'static Metadata {
        static METADATA: Metadata = Metadata::new("");
        &METADATA
    }

    #[expect(
        refining_impl_trait,
        reason = "salvo calls this through the trait; naming WebError here keeps the error type visible"
    )]
    async fn extract(req: &'ex mut Request, _depot: &'ex mut Depot) -> Result<Self, WebError> {
        req.param::<String>("id")
            .and_then(|raw| raw.parse::<i64>().ok())
            .filter(|id| *id > 0)
            .map(RecordId)
            .ok_or_else(WebError::not_found)
    }
}

impl EndpointArgRegister for RecordId {
    fn register(_components: &mut Components, operation: &mut Operation, _arg: &str) {
        operation.parameters.insert(
            Parameter::new("id")
                .location(ParameterIn::Path)
                .required(true)
                .description("The record's id.")
                .schema(
                    Object::with_type(BasicType::Integer)
                        .format(SchemaFormat::KnownFormat(KnownFormat::Int64))
                        .minimum(1),
                ),
        );
    }
}
