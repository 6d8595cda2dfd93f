//! Mail leaves outside the request that asked for it. Handlers hand messages
//! to this queue and answer at once; one task delivers them in order. So a
//! form takes the same time whether or not it sent anything (an answer that
//! came back faster for unknown addresses would name the known ones), and a
//! slow mail server holds up no one.

use async_trait::async_trait;
use hallpass_core::signin::mailer::{Mailer, Message};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

#[derive(Debug, Default)]
struct Waiting {
    messages: VecDeque<Message>,
    /// Taken by the delivery task and not yet handed over.
    sending: usize,
}

#[derive(Debug, Default)]
struct Shared {
    waiting: Mutex<Waiting>,
    changed: Notify,
}

impl Shared {
    fn update<T>(&self, change: impl FnOnce(&mut Waiting) -> T) -> T {
        let result = match self.waiting.lock() {
            Ok(mut waiting) => change(&mut waiting),
            Err(poisoned) => change(&mut poisoned.into_inner()),
        };
        self.changed.notify_waiters();
        result
    }

    /// Waits until `ready` holds, re-checking at every change.
    async fn until(&self, mut ready: impl FnMut(&mut Waiting) -> bool) {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if self.update_quietly(&mut ready) {
                return;
            }
            changed.await;
        }
    }

    fn update_quietly<T>(&self, change: impl FnOnce(&mut Waiting) -> T) -> T {
        match self.waiting.lock() {
            Ok(mut waiting) => change(&mut waiting),
            Err(poisoned) => change(&mut poisoned.into_inner()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct MailQueue(Arc<Shared>);

impl MailQueue {
    /// A queue whose messages `mailer` delivers, from a task of the current
    /// tokio runtime.
    pub fn start(mailer: Arc<dyn Mailer>) -> anyhow::Result<MailQueue> {
        let runtime = tokio::runtime::Handle::try_current()?;
        let shared = Arc::new(Shared::default());
        runtime.spawn(deliver(shared.clone(), mailer));
        Ok(MailQueue(shared))
    }

    /// Returns once every message queued so far has been handed to the
    /// mailer (the development outbox, tests).
    pub async fn flushed(&self) {
        self.0.until(|w| w.messages.is_empty() && w.sending == 0).await;
    }
}

/// The delivery task: one message at a time, in order, for the runtime's life.
async fn deliver(queue: Arc<Shared>, mailer: Arc<dyn Mailer>) {
    loop {
        let mut taken = None;
        queue
            .until(|w| {
                taken = w.messages.pop_front();
                if taken.is_some() {
                    w.sending += 1;
                }
                taken.is_some()
            })
            .await;
        let Some(message) = taken else { continue };
        if let Err(err) = mailer.send(&message).await {
            tracing::error!(%err, to = message.to(), "could not send mail");
        }
        queue.update(|w| w.sending = w.sending.saturating_sub(1));
    }
}

#[async_trait]
impl Mailer for MailQueue {
    async fn send(&self, message: &Message) -> Result<(), String> {
        self.0.update(|w| w.messages.push_back(message.clone()));
        Ok(())
    }
}
