-- The only steps that need ACCOUNTADMIN, kept apart so that everything else runs with narrower roles.
--
-- 1. The storage integration: Snowflake assumes an IAM role to read the bucket, so no AWS key is ever written in
--    DDL. After running this script, run DESC INTEGRATION (last statement) and put STORAGE_AWS_IAM_USER_ARN and
--    STORAGE_AWS_EXTERNAL_ID into the trust policy of the IAM role &{aws_role_arn}.
-- 2. EXECUTE TASK: the account-level privilege that lets the transformer role's tasks run at all. With serverless
--    tasks (task_compute = USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE ...) Snowflake also requires
--    EXECUTE MANAGED TASK: grant it by hand in that case (see snowstream.env); tasks on a warehouse do not need it.

USE ROLE ACCOUNTADMIN;

-- Created once, then brought to the variables on every run: CREATE OR REPLACE would give the integration a new
-- IAM user and external ID (breaking the trust policy) and detach the stage, and IF NOT EXISTS alone would keep
-- an old bucket or role while 03_storage.sql moves the stage to the new URL.
CREATE STORAGE INTEGRATION IF NOT EXISTS &{storage_integration}
    TYPE = EXTERNAL_STAGE
    STORAGE_PROVIDER = 'S3'
    ENABLED = TRUE
    STORAGE_AWS_ROLE_ARN = '&{aws_role_arn}'
    STORAGE_ALLOWED_LOCATIONS = ('&{bucket_url}')
    COMMENT = 'nifi-snowstream: read access to the customer event prefix through an IAM role';

ALTER STORAGE INTEGRATION &{storage_integration} SET
    ENABLED = TRUE
    STORAGE_AWS_ROLE_ARN = '&{aws_role_arn}'
    STORAGE_ALLOWED_LOCATIONS = ('&{bucket_url}');

GRANT USAGE ON INTEGRATION &{storage_integration} TO ROLE SNOWSTREAM_ADMIN;

GRANT EXECUTE TASK ON ACCOUNT TO ROLE SNOWSTREAM_TRANSFORMER;

DESC INTEGRATION &{storage_integration};
