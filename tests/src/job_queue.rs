//! The job queue as the operations tests set it up and read it: a job that failed for good, a
//! job's state, and the jobs of a queue still to run.

use crate::TestApp;

impl TestApp {
    /// A notifications job that failed for good with `error`; returns its id.
    pub async fn failed_job(&self, error: &str) -> String {
        let mut tx = self.db.pool.begin().await.expect("begin");
        jobs::enqueue(
            &mut tx,
            &[jobs::Notification::OrderCreated { order_id: 987_654 }],
        )
        .await
        .expect("enqueue a job");
        let id: String = sqlx::query_scalar(
            "UPDATE apalis.jobs SET status = 'Failed', attempts = max_attempts,
                    last_result = jsonb_build_object('Err', $1::text), done_at = now()
             WHERE job_type = 'notifications' AND status = 'Pending' RETURNING id",
        )
        .bind(error)
        .fetch_one(&mut *tx)
        .await
        .expect("fail the job");
        tx.commit().await.expect("commit");
        id
    }

    /// (status, attempts) of a job.
    pub async fn job_state(&self, id: &str) -> (String, i32) {
        sqlx::query_as("SELECT status, attempts FROM apalis.jobs WHERE id = $1")
            .bind(id)
            .fetch_one(&self.db.pool)
            .await
            .expect("the job's state")
    }

    /// The payloads of the jobs of `queue` still to run.
    pub async fn pending_jobs(&self, queue: &str) -> Vec<serde_json::Value> {
        let rows: Vec<Vec<u8>> = sqlx::query_scalar(
            "SELECT job FROM apalis.jobs WHERE job_type = $1 AND status = 'Pending' ORDER BY run_at, id",
        )
        .bind(queue)
        .fetch_all(&self.db.pool)
        .await
        .expect("read the pending jobs");
        rows.iter()
            .map(|b| serde_json::from_slice(b).expect("job is JSON"))
            .collect()
    }
}
