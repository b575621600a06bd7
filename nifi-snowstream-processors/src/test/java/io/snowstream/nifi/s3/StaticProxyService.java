package io.snowstream.nifi.s3;

import java.net.Proxy;
import org.apache.nifi.controller.AbstractControllerService;
import org.apache.nifi.proxy.ProxyConfiguration;
import org.apache.nifi.proxy.ProxyConfigurationService;

/** NiFi's Proxy Configuration Service interface, answering one fixed configuration. */
public final class StaticProxyService extends AbstractControllerService implements ProxyConfigurationService {

    private final ProxyConfiguration configuration;

    public StaticProxyService(final ProxyConfiguration configuration) {
        this.configuration = configuration;
    }

    /** An HTTP proxy at the given address, with credentials unless {@code user} is null. */
    public static StaticProxyService http(final String host, final int port, final String user, final String password) {
        final ProxyConfiguration configuration = new ProxyConfiguration();
        configuration.setProxyType(Proxy.Type.HTTP);
        configuration.setProxyServerHost(host);
        configuration.setProxyServerPort(port);
        configuration.setProxyUserName(user);
        configuration.setProxyUserPassword(password);
        return new StaticProxyService(configuration);
    }

    @Override
    public ProxyConfiguration getConfiguration() {
        return configuration;
    }
}
