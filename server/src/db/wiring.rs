//! The `Database` trait wired to a backend: every method hands its arguments to the backend's
//! area module function of the same name (`accounts::create_user(&self.pool, …)`). Both
//! backends have the same area modules with the same signatures, so the wiring is written once
//! and expanded in `sqlite/mod.rs` and `postgres/mod.rs`, where those names resolve.

/// Implements [`super::Database`] for a backend type with a `pool` field.
macro_rules! wire_areas {
    ($backend:ty) => {
        #[async_trait]
        impl Database for $backend {
            async fn ping(&self) -> DbResult<()> {
                status::ping(&self.pool).await
            }
            async fn queue_depth(&self) -> DbResult<vidmsg_api::QueueDepth> {
                status::queue_depth(&self.pool).await
            }
            async fn unread_counts(
                &self,
                user: Id,
            ) -> DbResult<std::collections::HashMap<Id, i64>> {
                activity::unread_counts(&self.pool, user).await
            }
            async fn mark_read(&self, thread: Id, user: Id, now_ms: i64) -> DbResult<()> {
                activity::mark_read(&self.pool, thread, user, now_ms).await
            }
            async fn changes_since(&self, user: Id, since_ms: i64) -> DbResult<super::Changes> {
                activity::changes_since(&self.pool, user, since_ms).await
            }
            async fn create_user(&self, name: &str, admin: bool, now_ms: i64) -> DbResult<User> {
                accounts::create_user(&self.pool, name, admin, now_ms).await
            }
            async fn list_users(&self) -> DbResult<Vec<User>> {
                accounts::list_users(&self.pool).await
            }
            async fn user_by_name(&self, name: &str) -> DbResult<Option<User>> {
                accounts::user_by_name(&self.pool, name).await
            }
            async fn add_token(
                &self,
                user_id: Id,
                token_hash: &str,
                hint: &str,
                now_ms: i64,
            ) -> DbResult<Id> {
                accounts::add_token(&self.pool, user_id, token_hash, hint, now_ms).await
            }
            async fn user_by_token_hash(&self, token_hash: &str) -> DbResult<Option<User>> {
                accounts::user_by_token_hash(&self.pool, token_hash).await
            }
            async fn list_tokens(&self) -> DbResult<Vec<TokenRow>> {
                accounts::list_tokens(&self.pool).await
            }
            async fn revoke_token_hash(&self, token_hash: &str, now_ms: i64) -> DbResult<u64> {
                accounts::revoke_token_hash(&self.pool, token_hash, now_ms).await
            }
            async fn revoke_token_id(&self, id: Id, now_ms: i64) -> DbResult<u64> {
                accounts::revoke_token_id(&self.pool, id, now_ms).await
            }

            async fn set_password(&self, user: Id, password_hash: &str) -> DbResult<()> {
                sessions::set_password(&self.pool, user, password_hash).await
            }
            async fn credentials(&self, name: &str) -> DbResult<Option<super::Credentials>> {
                sessions::credentials(&self.pool, name).await
            }
            async fn create_invite(&self, new: &super::NewInvite) -> DbResult<Id> {
                sessions::create_invite(&self.pool, new).await
            }
            async fn join_with_invite(
                &self,
                code_hash: &str,
                session: &super::NewSession,
            ) -> DbResult<Option<User>> {
                sessions::join_with_invite(&self.pool, code_hash, session).await
            }

            async fn create_space(
                &self,
                name: &str,
                private: bool,
                creator: Id,
                now_ms: i64,
            ) -> DbResult<Id> {
                spaces::create_space(&self.pool, name, private, creator, now_ms).await
            }
            async fn space(&self, id: Id, viewer: Id) -> DbResult<Option<vidmsg_api::Space>> {
                spaces::space(&self.pool, id, viewer).await
            }
            async fn space_by_name(
                &self,
                name: &str,
                viewer: Id,
            ) -> DbResult<Option<vidmsg_api::Space>> {
                spaces::space_by_name(&self.pool, name, viewer).await
            }
            async fn list_spaces(&self, viewer: Id) -> DbResult<Vec<vidmsg_api::Space>> {
                spaces::list_spaces(&self.pool, viewer).await
            }
            async fn add_space_member(&self, space: Id, user: Id, now_ms: i64) -> DbResult<()> {
                spaces::add_space_member(&self.pool, space, user, now_ms).await
            }
            async fn remove_space_member(&self, space: Id, user: Id) -> DbResult<bool> {
                spaces::remove_space_member(&self.pool, space, user).await
            }

            async fn create_thread(
                &self,
                title: &str,
                creator: Id,
                space: Option<Id>,
                people: &[Id],
                now_ms: i64,
            ) -> DbResult<Id> {
                threads::create_thread(&self.pool, title, creator, space, people, now_ms).await
            }
            async fn thread(&self, id: Id) -> DbResult<Option<Thread>> {
                threads::thread(&self.pool, id).await
            }
            async fn is_member(&self, thread: Id, user: Id) -> DbResult<bool> {
                threads::is_member(&self.pool, thread, user).await
            }
            async fn list_threads(
                &self,
                user: Id,
                after: Option<ThreadCursor>,
                limit: u32,
            ) -> DbResult<Vec<Thread>> {
                threads::list_threads(&self.pool, user, after, limit).await
            }
            async fn add_member(&self, thread: Id, user: Id, now_ms: i64) -> DbResult<()> {
                threads::add_member(&self.pool, thread, user, now_ms).await
            }
            async fn remove_member(&self, thread: Id, user: Id) -> DbResult<bool> {
                threads::remove_member(&self.pool, thread, user).await
            }
            async fn delete_thread(&self, id: Id) -> DbResult<()> {
                threads::delete_thread(&self.pool, id).await
            }

            async fn insert_message(&self, new: &NewMessage) -> DbResult<Id> {
                messages::insert_message(&self.pool, new).await
            }
            async fn message(&self, id: Id) -> DbResult<Option<MessageRow>> {
                messages::message(&self.pool, id).await
            }
            async fn list_messages(
                &self,
                thread: Id,
                after: Option<Id>,
                limit: u32,
            ) -> DbResult<Vec<MessageRow>> {
                messages::list_messages(&self.pool, thread, after, limit).await
            }
            async fn set_upload(
                &self,
                id: Id,
                object_key: &str,
                upload_id: &str,
                now_ms: i64,
            ) -> DbResult<()> {
                messages::set_upload(&self.pool, id, object_key, upload_id, now_ms).await
            }
            async fn finish_upload(
                &self,
                id: Id,
                done: &super::FinishedUpload,
                now_ms: i64,
            ) -> DbResult<bool> {
                messages::finish_upload(&self.pool, id, done, now_ms).await
            }
            async fn stored_bytes(&self, user: Id) -> DbResult<i64> {
                messages::stored_bytes(&self.pool, user).await
            }
            async fn open_uploads(&self) -> DbResult<Vec<MessageRow>> {
                messages::open_uploads(&self.pool).await
            }
            async fn delete_message(&self, id: Id) -> DbResult<Vec<MessageRow>> {
                messages::delete_message(&self.pool, id).await
            }
            async fn thread_media(&self, thread: Id) -> DbResult<Vec<MessageRow>> {
                messages::thread_media(&self.pool, thread).await
            }

            async fn claim_job(
                &self,
                worker: &str,
                now_ms: i64,
                lease_ms: i64,
                max_lease_expiries: i64,
            ) -> DbResult<Option<JobRow>> {
                transcripts::claim_job(&self.pool, worker, now_ms, lease_ms, max_lease_expiries)
                    .await
            }
            async fn heartbeat_job(
                &self,
                job: Id,
                worker: &str,
                lease_until_ms: i64,
            ) -> DbResult<bool> {
                transcripts::heartbeat_job(&self.pool, job, worker, lease_until_ms).await
            }
            async fn set_progress(&self, message: Id, percent: u8) -> DbResult<()> {
                transcripts::set_progress(&self.pool, message, percent).await
            }
            async fn set_poster(&self, message: Id, poster_key: &str, now_ms: i64) -> DbResult<()> {
                messages::set_poster(&self.pool, message, poster_key, now_ms).await
            }
            async fn finish_job(
                &self,
                job: &JobRow,
                worker: &str,
                result: &TranscriptResult,
                now_ms: i64,
            ) -> DbResult<bool> {
                transcripts::finish_job(&self.pool, job, worker, result, now_ms).await
            }
            async fn fail_job(
                &self,
                job: &JobRow,
                worker: &str,
                error: &str,
                retry_at_ms: Option<i64>,
                now_ms: i64,
            ) -> DbResult<bool> {
                transcripts::fail_job(&self.pool, job, worker, error, retry_at_ms, now_ms).await
            }
            async fn note_waiting(&self, reason: Option<&str>) -> DbResult<()> {
                transcripts::note_waiting(&self.pool, reason).await
            }
            async fn requeue(&self, message: Id, now_ms: i64) -> DbResult<bool> {
                transcripts::requeue(&self.pool, message, now_ms).await
            }
            async fn transcript(&self, message: Id) -> DbResult<Vec<Segment>> {
                transcripts::transcript(&self.pool, message).await
            }
            async fn set_summary(
                &self,
                message: Id,
                summary: &super::MessageSummary,
                now_ms: i64,
            ) -> DbResult<()> {
                chapters::set_summary(&self.pool, message, summary, now_ms).await
            }
            async fn summary(&self, message: Id) -> DbResult<super::MessageSummary> {
                chapters::summary(&self.pool, message).await
            }
            async fn set_title(&self, message: Id, title: &str, now_ms: i64) -> DbResult<()> {
                chapters::set_title(&self.pool, message, title, now_ms).await
            }
            async fn job_info(&self, message: Id) -> DbResult<Option<JobInfo>> {
                transcripts::job_info(&self.pool, message).await
            }
            async fn edit_transcript(
                &self,
                message: Id,
                editor: Id,
                segments: &[vidmsg_api::EditedSegment],
                now_ms: i64,
            ) -> DbResult<()> {
                transcript_edits::edit(&self.pool, message, editor, segments, now_ms).await
            }
            async fn restore_transcript(&self, message: Id, now_ms: i64) -> DbResult<bool> {
                transcript_edits::restore(&self.pool, message, now_ms).await
            }
            async fn transcript_edit(
                &self,
                message: Id,
            ) -> DbResult<Option<super::TranscriptEdit>> {
                transcript_edits::last_edit(&self.pool, message).await
            }
            async fn search(&self, spec: &SearchSpec) -> DbResult<Vec<SearchHit>> {
                search::search(&self.pool, spec).await
            }
            async fn segment_words(
                &self,
                segments: &[Id],
            ) -> DbResult<std::collections::HashMap<Id, Vec<vidmsg_api::Word>>> {
                words::segment_words(&self.pool, segments).await
            }

            async fn add_comment(
                &self,
                message: Id,
                author: Id,
                at_ms: i64,
                body: &str,
                now_ms: i64,
            ) -> DbResult<Comment> {
                feedback::add_comment(&self.pool, message, author, at_ms, body, now_ms).await
            }
            async fn list_comments(&self, message: Id) -> DbResult<Vec<Comment>> {
                feedback::list_comments(&self.pool, message).await
            }
            async fn add_reaction(
                &self,
                message: Id,
                author: Id,
                at_ms: i64,
                emoji: &str,
                now_ms: i64,
            ) -> DbResult<Reaction> {
                feedback::add_reaction(&self.pool, message, author, at_ms, emoji, now_ms).await
            }
            async fn list_reactions(&self, message: Id) -> DbResult<Vec<Reaction>> {
                feedback::list_reactions(&self.pool, message).await
            }
            async fn record_view(
                &self,
                message: Id,
                user: Id,
                watched_ms: i64,
                now_ms: i64,
            ) -> DbResult<View> {
                feedback::record_view(&self.pool, message, user, watched_ms, now_ms).await
            }
            async fn list_views(&self, message: Id) -> DbResult<Vec<View>> {
                feedback::list_views(&self.pool, message).await
            }

            async fn hours(&self, user: Id) -> DbResult<Hours> {
                notifications::hours(&self.pool, user).await
            }
            async fn all_hours(&self) -> DbResult<Vec<(Id, Hours)>> {
                notifications::all_hours(&self.pool).await
            }
            async fn set_hours(&self, user: Id, hours: &Hours) -> DbResult<()> {
                notifications::set_hours(&self.pool, user, hours).await
            }
            async fn recipients(&self, message: Id) -> DbResult<Vec<(Id, Hours)>> {
                notifications::recipients(&self.pool, message).await
            }
            async fn add_notifications(
                &self,
                message: Id,
                items: &[NewNotification],
                now_ms: i64,
            ) -> DbResult<()> {
                notifications::add_notifications(&self.pool, message, items, now_ms).await
            }
            async fn notifications(
                &self,
                user: Id,
                now_ms: i64,
                limit: u32,
            ) -> DbResult<Vec<vidmsg_api::Notification>> {
                notifications::list(&self.pool, user, now_ms, limit).await
            }
            async fn unseen_notifications(&self, user: Id, now_ms: i64) -> DbResult<i64> {
                notifications::unseen(&self.pool, user, now_ms).await
            }
            async fn delivered_between(
                &self,
                user: Id,
                after_ms: i64,
                up_to_ms: i64,
            ) -> DbResult<Vec<vidmsg_api::Notification>> {
                notifications::delivered_between(&self.pool, user, after_ms, up_to_ms).await
            }
            async fn mark_notifications_seen(
                &self,
                user: Id,
                ids: &[Id],
                now_ms: i64,
            ) -> DbResult<()> {
                notifications::mark_seen(&self.pool, user, ids, now_ms).await
            }
            async fn mark_seen_where(
                &self,
                user: Id,
                message: Option<Id>,
                thread: Option<Id>,
                now_ms: i64,
            ) -> DbResult<()> {
                notifications::mark_seen_where(&self.pool, user, message, thread, now_ms).await
            }

            async fn thread_link(&self, thread: Id) -> DbResult<Option<LinkRow>> {
                links::thread_link(&self.pool, thread).await
            }
            async fn set_thread_link(&self, link: &LinkRow) -> DbResult<()> {
                links::set_thread_link(&self.pool, link).await
            }
            async fn delete_thread_link(&self, thread: Id) -> DbResult<bool> {
                links::delete_thread_link(&self.pool, thread).await
            }
            async fn first_message(&self, thread: Id) -> DbResult<Option<Id>> {
                links::first_message(&self.pool, thread).await
            }
        }
    };
}

pub(super) use wire_areas;
