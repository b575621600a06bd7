-- The only steps that need ACCOUNTADMIN, kept apart so that everything else runs with narrower roles.
--
-- 1. The storage integration: Snowflake assumes an IAM role to read the bucket, so no AWS key is ever written in
--    DDL. After running this script, run DESC INTEGRATION (last statement) and put STORAGE_AWS_IAM_USER_ARN and
--    STORAGE_AWS_EXTERNAL_ID into the trust policy of the IAM role &{aws_role_arn}.
-- 2. EXECUTE TASK (and EXECUTE MANAGED TASK for the serverless option): account-level privileges that let the
--    transformer role's tasks run at all.

USE ROLE ACCOUNTADMIN;

CREATE STORAGE INTEGRATION IF NOT EXISTS &{storage_integration}
    TYPE = EXTERNAL_STAGE
    STORAGE_PROVIDER = 'S3'
    ENABLED = TRUE
    STORAGE_AWS_ROLE_ARN = '&{aws_role_arn}'
    STORAGE_ALLOWED_LOCATIONS = ('&{bucket_url}')
    COMMENT = 'nifi-snowstream: read access to the customer event prefix through an IAM role';

GRANT USAGE ON INTEGRATION &{storage_integration} TO ROLE SNOWSTREAM_ADMIN;

GRANT EXECUTE TASK ON ACCOUNT TO ROLE SNOWSTREAM_TRANSFORMER;
GRANT EXECUTE MANAGED TASK ON ACCOUNT TO ROLE SNOWSTREAM_TRANSFORMER;

DESC INTEGRATION &{storage_integration};
