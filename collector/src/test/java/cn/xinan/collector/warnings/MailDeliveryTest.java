package cn.xinan.collector.warnings;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * E-mail warnings through a real SMTP server (GreenMail on loopback): the Chinese subject and body arrive UTF-8 encoded
 * and decode to the warning's title and text, every recipient gets it, and a mail server that is down is retried
 * with the webhooks' backoff until it takes the warning, once.
 */
class MailDeliveryTest {
    private static final LocalDate WEDNESDAY = LocalDate.of(2025, 3, 12);
    private GreenMail smtp;

    @AfterEach
    void stop() {
        if (smtp != null) {
            smtp.stop();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private GreenMail startSmtp(int port) {
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        return smtp;
    }

    /** Wednesday with the room never opened: today-behind is raised at the 16:30 checkpoint. */
    private static WarningFixture behindToday() {
        WarningFixture f = new WarningFixture(WEDNESDAY.atTime(16, 0));
        f.schoolDays(WEDNESDAY.minusWeeks(3), WEDNESDAY.minusDays(1), 150);
        f.day(WEDNESDAY, 0);
        return f;
    }

    private static WebhookTarget mailTarget(int port) {
        return new WebhookTarget("db-001-mail", WarningScope.parse("school:jm-db-001"), WebhookFormat.EMAIL,
                URI.create("smtp://127.0.0.1:" + port), Optional.empty(), Set.of(),
                Optional.of(MailRecipients.parse("xinan@jingmen.example", "zhang.wei@school.example, li.na@school.example")));
    }

    @Test
    void aWarningArrivesByMailWithItsChineseSubjectAndBodyInUtf8() throws Exception {
        int port = freePort();
        startSmtp(port);
        WarningFixture f = behindToday();
        WarningService service = f.service(WarningFixture.settings(mailTarget(port)), WarningBook.inMemory(),
                new WebhookSender(f.clock));

        f.run(service, WEDNESDAY.atTime(16, 30), Duration.ofMinutes(15));

        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(2); // one per recipient
        assertThat(Arrays.stream(received).flatMap(m -> {
            try {
                return Arrays.stream(m.getAllRecipients()).map(Object::toString);
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).distinct()).containsExactlyInAnyOrder("zhang.wei@school.example", "li.na@school.example");
        MimeMessage mail = received[0];
        assertThat(mail.getHeader("Subject")[0]).as("RFC 2047, UTF-8").startsWith("=?UTF-8?");
        assertThat(mail.getSubject()).isEqualTo("【心安提醒】今日开放不足｜东宝实验小学心理辅导室");
        assertThat(mail.getContentType()).containsIgnoringCase("charset=UTF-8");
        String body = (String) mail.getContent();
        Warning w = service.warnings().getFirst();
        assertThat(body).contains(w.text()).contains("还差 1.0 小时").contains("查看详情：" + service.roomLink(WarningFixture.ROOM));
        assertThat(mail.getFrom()[0].toString()).isEqualTo("xinan@jingmen.example");
        assertThat(mail.getHeader("X-Xinan-Id")[0]).isEqualTo(w.id());
        assertThat(w.deliveries()).singleElement().satisfies(d -> assertThat(d.state()).isEqualTo(Delivery.State.DELIVERED));
    }

    @Test
    void aMailServerThatIsDownIsRetriedWithBackoffAndGetsTheWarningOnce() throws Exception {
        int port = freePort(); // nothing listens yet
        WarningFixture f = behindToday();
        WarningService service = f.service(WarningFixture.settings(mailTarget(port)), WarningBook.inMemory(),
                new WebhookSender(f.clock));

        f.run(service, WEDNESDAY.atTime(16, 31), Duration.ofSeconds(30)); // attempts at 16:30 and 16:31 fail
        Delivery failing = service.warnings().getFirst().deliveries().getFirst();
        assertThat(failing.state()).isEqualTo(Delivery.State.PENDING);
        assertThat(failing.attempts()).isEqualTo(2);
        assertThat(failing.lastError()).startsWith("SMTP 127.0.0.1:" + port);

        startSmtp(port);
        f.run(service, WEDNESDAY.atTime(16, 45), Duration.ofSeconds(30)); // the third, at 16:33, is taken

        assertThat(smtp.getReceivedMessages()).hasSize(2);
        Delivery d = service.warnings().getFirst().deliveries().getFirst();
        assertThat(d.state()).isEqualTo(Delivery.State.DELIVERED);
        assertThat(d.attempts()).isEqualTo(3);
        assertThat(d.doneAt()).isEqualTo(WEDNESDAY.atTime(16, 33).atZone(WarningFixture.ZONE).toInstant());
    }
}
