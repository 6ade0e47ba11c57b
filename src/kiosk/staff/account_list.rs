//! `GET /staff/accounts`: the careers leader sees who has an account, with which role and
//! groups. Read-only on purpose: accounts are made on the command line
//! (`signpost kiosk staff add`), so a password is never typed on the kiosk's screen.

use serde::Serialize;

use crate::kiosk::ctx::{Ctx, HandlerError};
use crate::kiosk::http::{Request, Response};

#[derive(Serialize)]
struct Account {
    name: String,
    role: &'static str,
    groups: String,
}

/// `GET /staff/accounts`.
pub fn accounts_page(ctx: &mut Ctx<'_>, _req: &Request) -> Result<Response, HandlerError> {
    let accounts: Vec<Account> = ctx
        .db()?
        .list_staff()?
        .into_iter()
        .map(|a| Account {
            name: a.name,
            role: a.role.label(),
            groups: a.groups.join(", "),
        })
        .collect();
    ctx.page(
        200,
        "staff_accounts.html",
        "Staff accounts",
        &serde_json::json!({ "accounts": accounts }),
    )
}
