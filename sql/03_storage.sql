-- The file format of the pipeline's canonical CSV and the external stage on the bucket prefix.

USE ROLE SNOWSTREAM_ADMIN;

-- Exactly the CSV that CustomerCsvWriter writes (io.snowstream.nifi.customer.csv):
--   RFC 4180, UTF-8, comma, LF line ends, one header line, gzip objects;
--   '"' encloses a field only when it holds a comma, quote, CR or LF, and a quote inside is doubled;
--   no backslash escapes (ESCAPE_UNENCLOSED_FIELD defaults to '\\' and would corrupt values holding one);
--   an empty field loads as NULL (EMPTY_FIELD_AS_NULL): the writer writes NULL and '' alike as an empty field, so
--   the warehouse stores a missing value as NULL, one representation that NULL-safe comparisons handle;
--   NULL_IF = () so that no text value (a customer called 'NULL', a literal \N) is ever turned into NULL;
--   a row with more or fewer fields is an error, never silently padded or cut.
-- IF NOT EXISTS: a pipe binds its file format; change an option with ALTER FILE FORMAT, never by replacing it.
CREATE FILE FORMAT IF NOT EXISTS &{database}.&{schema}.customer_csv
    TYPE = CSV
    COMPRESSION = GZIP
    ENCODING = 'UTF8'
    FIELD_DELIMITER = ','
    RECORD_DELIMITER = '\n'
    SKIP_HEADER = 1
    FIELD_OPTIONALLY_ENCLOSED_BY = '"'
    ESCAPE = NONE
    ESCAPE_UNENCLOSED_FIELD = NONE
    MULTI_LINE = TRUE
    TRIM_SPACE = FALSE
    EMPTY_FIELD_AS_NULL = TRUE
    NULL_IF = ()
    SKIP_BLANK_LINES = FALSE
    ERROR_ON_COLUMN_COUNT_MISMATCH = TRUE
    REPLACE_INVALID_CHARACTERS = FALSE
    COMMENT = 'nifi-snowstream canonical customer CSV (see CustomerCsvFormat)';

-- Credentials come from the storage integration: no key in this DDL
CREATE OR ALTER STAGE &{database}.&{schema}.customer_stage
    URL = '&{bucket_url}'
    STORAGE_INTEGRATION = &{storage_integration}
    FILE_FORMAT = (FORMAT_NAME = '&{database}.&{schema}.customer_csv')
    COMMENT = 'nifi-snowstream: the prefix PutS3Batch writes customer event files to';
