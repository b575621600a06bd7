package io.snowstream.nifi.s3;

/**
 * How the processor authenticates to AWS, in the order AWS recommends: the default provider chain (environment,
 * profile, container and EC2 instance profile credentials), optionally exchanged for an assumed role through STS;
 * static keys only where nothing better exists.
 *
 * @param roleArn the role to assume with the base credentials, or null to use them directly
 */
public record CredentialsSettings(
        Source source,
        String accessKeyId,
        String secretAccessKey,
        String roleArn,
        String externalId,
        String sessionName) {

    /** Where the base credentials come from. */
    public enum Source {
        DEFAULT_CHAIN,
        STATIC_KEYS
    }

    public boolean assumesRole() {
        return roleArn != null && !roleArn.isBlank();
    }

    /** Never prints the secret key, so settings are safe to log. */
    @Override
    public String toString() {
        return "CredentialsSettings[source=" + source + ", accessKeyId=" + accessKeyId
                + ", secretAccessKey=" + (secretAccessKey == null ? "null" : "********")
                + ", roleArn=" + roleArn + ", sessionName=" + sessionName + "]";
    }
}
