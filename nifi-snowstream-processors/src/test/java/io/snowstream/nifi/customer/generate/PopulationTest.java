package io.snowstream.nifi.customer.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PopulationTest {

    @Test
    void tracksOnlyTheMostRecentCustomers() {
        final Population population = new Population(3, 0, 0);
        for (int i = 0; i < 5; i++) {
            assertThat(population.issue()).isEqualTo(i);
        }

        assertThat(population.firstTrackedId()).isEqualTo(2);
        assertThat(population.trackedCount()).isEqualTo(3);
        assertThat(population.liveCount()).isEqualTo(3);
    }

    @Test
    void picksOnlyLiveCustomersAndNoneWhenAllAreDeleted() {
        final Population population = new Population(100, 0, 0);
        for (int i = 0; i < 100; i++) {
            population.issue();
        }
        for (long id = 0; id < 100; id++) {
            if (id != 57) {
                population.delete(id);
            }
        }
        final EventRandom random = new EventRandom();
        final Set<Long> picked = new HashSet<>();
        for (int event = 0; event < 50; event++) {
            random.reset(1, event);
            picked.add(population.pickLive(random));
        }

        assertThat(picked).containsExactly(57L);
        population.delete(57);
        assertThat(population.pickLive(random)).isEqualTo(-1);
    }

    @Test
    void evictingADeletedCustomerKeepsTheLiveCountRight() {
        final Population population = new Population(2, 0, 0);
        population.issue();
        population.issue();
        population.delete(0);
        population.issue();

        assertThat(population.liveCount()).isEqualTo(2);
    }

    @Test
    void encodedVersionsRoundTripAndShrinkToASmallerCapacity() {
        final Population population = new Population(1_000, 0, 0);
        for (int i = 0; i < 1_500; i++) {
            population.issue();
        }
        population.update(1_400, CustomerVersion.withAddressGeneration(CustomerVersion.NEW, 3));
        population.delete(1_499);
        final String encoded = population.encodeVersions();

        final Population same = Population.decode(1_000, population.nextId(), population.trackedCount(), encoded);
        final Population smaller = Population.decode(200, population.nextId(), population.trackedCount(), encoded);

        assertThat(same.encodeVersions()).isEqualTo(encoded);
        assertThat(same.liveCount()).isEqualTo(999);
        assertThat(smaller.firstTrackedId()).isEqualTo(1_300);
        assertThat(CustomerVersion.addressGeneration(smaller.version(1_400))).isEqualTo(3);
        assertThat(CustomerVersion.isDeleted(smaller.version(1_499))).isTrue();
        assertThat(smaller.liveCount()).isEqualTo(199);
    }

    @Test
    void rejectsCorruptState() {
        assertThatThrownBy(() -> Population.decode(10, 5, 5, "bm90IGRlZmxhdGU="))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Population.decode(10, 5, 6, new Population(10, 0, 0).encodeVersions()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void versionCountersAreIndependent() {
        int version = CustomerVersion.NEW;
        version = CustomerVersion.withNameGeneration(version, 5);
        version = CustomerVersion.withEmail(version, 700, 5);
        version = CustomerVersion.withAddressGeneration(version, 300);

        assertThat(CustomerVersion.nameGeneration(version)).isEqualTo(5);
        assertThat(CustomerVersion.emailGeneration(version)).isEqualTo(700);
        assertThat(CustomerVersion.emailNameGeneration(version)).isEqualTo(5);
        assertThat(CustomerVersion.addressGeneration(version)).isEqualTo(300);
        assertThat(CustomerVersion.isDeleted(version)).isFalse();
        assertThat(CustomerVersion.addressGeneration(CustomerVersion.deleted(version)))
                .isEqualTo(300);
    }
}
