"""The worker pool: an RQ SimpleWorker subclass holding one tidalapi session per process, and the jobs."""
