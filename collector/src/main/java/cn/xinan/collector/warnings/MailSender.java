package cn.xinan.collector.warnings;

import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Objects;
import java.util.Properties;

/**
 * Sends a {@link Message} as an e-mail over SMTP (Eclipse Angus Mail, the Jakarta Mail implementation): subject =
 * the title, body = the text and the link, both UTF-8 (the subject RFC 2047-encoded, the body base64 or
 * quoted-printable as Angus picks), to the target's recipients.
 *
 * <p>The target's URL says where: {@code smtp://[user@]host[:port]} (port 25 by default; STARTTLS when the server
 * offers it) or {@code smtps://[user@]host[:port]} (TLS from the start, port 465 by default: use it whenever a
 * password is given and the server is not on the collector's own network); the target's {@code secret} is the
 * password. A refused connection, a time-out or a rejection by the server is a {@link DeliveryException}: the
 * warning service retries it with the same backoff as a webhook.
 */
final class MailSender {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Clock clock;

    MailSender(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock is missing");
    }

    void send(WebhookTarget target, Message message) throws DeliveryException {
        MailRecipients recipients = target.mail().orElseThrow(() ->
                new IllegalStateException("target " + target.name() + " is not an e-mail target"));
        URI url = target.url();
        boolean tls = "smtps".equals(url.getScheme());
        String protocol = tls ? "smtps" : "smtp";
        int port = url.getPort() > 0 ? url.getPort() : tls ? 465 : 25;
        String user = url.getRawUserInfo() == null ? null : URLDecoder.decode(url.getRawUserInfo(), StandardCharsets.UTF_8);
        Properties p = new Properties();
        String prefix = "mail." + protocol + ".";
        p.put("mail.transport.protocol", protocol);
        p.put(prefix + "host", url.getHost());
        p.put(prefix + "port", Integer.toString(port));
        p.put(prefix + "connectiontimeout", Long.toString(TIMEOUT.toMillis()));
        p.put(prefix + "timeout", Long.toString(TIMEOUT.toMillis()));
        p.put(prefix + "writetimeout", Long.toString(TIMEOUT.toMillis()));
        p.put(prefix + "auth", Boolean.toString(user != null));
        if (!tls) {
            p.put(prefix + "starttls.enable", "true");
        }
        Session session = Session.getInstance(p);
        try {
            MimeMessage mail = new MimeMessage(session);
            mail.setFrom(new InternetAddress(recipients.from(), true));
            for (String to : recipients.to()) {
                mail.addRecipient(RecipientType.TO, new InternetAddress(to, true));
            }
            mail.setSubject(message.title(), "UTF-8");
            mail.setText(message.text() + "\n\n查看详情：" + message.link() + "\n", "UTF-8");
            mail.setSentDate(Date.from(clock.instant()));
            mail.setHeader("X-Xinan-Id", message.id());
            try (Transport transport = session.getTransport(protocol)) {
                transport.connect(url.getHost(), port, user, user == null ? null : target.secret().orElse(""));
                transport.sendMessage(mail, mail.getAllRecipients());
            }
        } catch (MessagingException e) {
            throw new DeliveryException("SMTP " + url.getHost() + ":" + port + ": " + e.getMessage());
        }
    }
}
