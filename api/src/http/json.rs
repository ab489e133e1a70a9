//! A JSON body extractor whose rejections are problem documents: syntax errors are 400,
//! wrong or missing fields 422 with an `errors` entry, other media types 415, bodies over
//! the limit 413.

use super::problem::{FieldError, IsProblem, Problem};
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

pub struct Json<T>(pub T);

impl<S, T> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Json(v)),
            Err(rejection) => {
                let status = rejection.status();
                let text = rejection.body_text();
                let mut p = Problem::new(status).detail(text.clone());
                if status == StatusCode::UNPROCESSABLE_ENTITY {
                    p.errors = vec![FieldError::new("body", "invalid", text)];
                }
                let mut res = p.into_response();
                res.extensions_mut().insert(IsProblem);
                Err(res)
            }
        }
    }
}
