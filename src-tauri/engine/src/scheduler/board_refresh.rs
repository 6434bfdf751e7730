//! When Pinterest says a pin's board does not exist (code 40: deleted, or moved out of reach),
//! the cached board list is stale: the engine fetches it again in the background so the pickers
//! and the next edit see the truth, and tells subscribers how it went. One refresh per account
//! at a time; the job itself has already failed with a sentence saying what happened.

use super::engine::Engine;
use super::events::EngineEvent;
use crate::accounts::flow::sync_boards;
use crate::AccountId;

impl Engine {
    pub(super) fn refresh_boards(&mut self, account: AccountId) {
        if !self.refreshing_boards.insert(account) {
            return;
        }
        let (Some(client), Some(tokens)) = (self.client_for(account), self.tokens.tokens(account))
        else {
            self.refreshing_boards.remove(&account);
            return;
        };
        let store = self.store.clone();
        let events = self.events.clone();
        let done = self.commands_tx.clone();
        tokio::spawn(async move {
            let result = sync_boards(&store, &client, account, &tokens.access).await;
            events.emit(EngineEvent::BoardsSynced {
                account_id: account,
                boards: result.as_ref().ok().map(|n| *n as u32),
                error: result.err().map(|e| e.message),
            });
            if let Some(done) = done.upgrade() {
                let _ = done.send(super::handle::Command::BoardsRefreshed(account));
            }
        });
    }
}
