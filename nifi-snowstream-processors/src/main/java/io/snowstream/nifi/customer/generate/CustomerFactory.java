package io.snowstream.nifi.customer.generate;

import static io.snowstream.nifi.customer.generate.Hashing.Attribute;

import io.snowstream.nifi.customer.csv.CustomerColumn;
import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import io.snowstream.nifi.customer.csv.EventTime;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Derives a customer's fields from (seed, id, {@link CustomerVersion}) and the changes an update makes to them.
 * Rendering copies no strings: names, streets and places are slices of the {@link ValuePools}, the id, the email
 * and the event time are written into buffers owned by this factory, valid until the next record is filled.
 */
final class CustomerFactory {

    private static final byte[] OP_UPSERT = CustomerCsvFormat.OP_UPSERT.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OP_DELETE = CustomerCsvFormat.OP_DELETE.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALLBACK_LOCAL_PART = "user".getBytes(StandardCharsets.US_ASCII);
    /** Name parts in an email are cut to this many bytes, keeping the local part under the 64-byte RFC 5321 limit. */
    private static final int MAX_NAME_PART = 20;

    private static final int EMAIL_CAPACITY = 256;
    /** Share of emails at a free-mail provider; the rest use a company domain. */
    private static final int FREE_MAIL_PERCENT = 65;
    /** Cumulative percentages of the local-part styles of {@link #localPart}. */
    private static final int[] STYLE_CUMULATIVE = {25, 35, 50, 55, 65, 75, 85, 90, 95, 100};
    /** Attempts at a new generation before an attribute is considered unchangeable (pools of a single value). */
    private static final int CHANGE_ATTEMPTS = 32;

    private final ValuePools pools;
    private final long seed;
    private final byte[] idText = new byte[20];
    private final byte[] eventTimeText = new byte[EventTime.LENGTH];
    private final EventTime.Formatter eventTimeFormatter = new EventTime.Formatter();
    private final byte[] email = new byte[EMAIL_CAPACITY];
    private final byte[] previousEmail = new byte[EMAIL_CAPACITY];

    CustomerFactory(final ValuePools pools, final long seed) {
        this.pools = pools;
        this.seed = seed;
    }

    /** Fills an upsert carrying the customer's complete state at {@code version}. */
    void fillUpsert(final RecordFields record, final long id, final int version, final long eventTime) {
        record.count = CustomerCsvFormat.COLUMN_COUNT;
        fillIdentity(record, id, eventTime);
        record.set(CustomerColumn.FIRST_NAME.ordinal(), pools.firstNames[firstNameIndex(id)]);
        record.set(
                CustomerColumn.LAST_NAME.ordinal(),
                pools.lastNames[lastNameIndex(id, CustomerVersion.nameGeneration(version))]);
        record.set(CustomerColumn.EMAIL.ordinal(), email, 0, renderEmail(id, version, email));
        final int addressGeneration = CustomerVersion.addressGeneration(version);
        final int city = cityIndex(id, addressGeneration);
        record.set(CustomerColumn.STREET.ordinal(), pools.streets[streetIndex(id, addressGeneration)]);
        record.set(CustomerColumn.CITY.ordinal(), pools.cities[city]);
        record.set(CustomerColumn.STATE.ordinal(), pools.cityStates[city]);
        record.set(CustomerColumn.COUNTRY.ordinal(), pools.country);
        record.set(CustomerColumn.OP.ordinal(), OP_UPSERT);
    }

    /** Fills a delete: id and event time, every other field empty. */
    void fillDelete(final RecordFields record, final long id, final long eventTime) {
        record.count = CustomerCsvFormat.COLUMN_COUNT;
        fillIdentity(record, id, eventTime);
        for (int column = CustomerColumn.FIRST_NAME.ordinal(); column <= CustomerColumn.COUNTRY.ordinal(); column++) {
            record.clear(column);
        }
        record.set(CustomerColumn.OP.ordinal(), OP_DELETE);
    }

    /** The customer moves: street, city and state change together. Returns the version unchanged if impossible. */
    int move(final long id, final int version) {
        final int generation = CustomerVersion.addressGeneration(version);
        final int street = streetIndex(id, generation);
        final int city = cityIndex(id, generation);
        for (int next = generation + 1; next <= generation + CHANGE_ATTEMPTS; next++) {
            final int candidate = CustomerVersion.withAddressGeneration(version, next);
            final int nextGeneration = CustomerVersion.addressGeneration(candidate);
            if (streetIndex(id, nextGeneration) != street && cityIndex(id, nextGeneration) != city) {
                return candidate;
            }
        }
        return version;
    }

    /** The customer takes a new email address, derived from their current name. */
    int newEmail(final long id, final int version) {
        final int previousLength = renderEmail(id, version, previousEmail);
        final int generation = CustomerVersion.emailGeneration(version);
        final int currentName = CustomerVersion.nameGeneration(version);
        for (int next = generation + 1; next <= generation + CHANGE_ATTEMPTS; next++) {
            final int candidate = CustomerVersion.withEmail(version, next, currentName);
            final int length = renderEmail(id, candidate, email);
            if (!Arrays.equals(email, 0, length, previousEmail, 0, previousLength)) {
                return candidate;
            }
        }
        return version;
    }

    /** The customer marries and takes a new last name; the email is not touched here. */
    int newLastName(final long id, final int version) {
        final int generation = CustomerVersion.nameGeneration(version);
        final int lastName = lastNameIndex(id, generation);
        for (int next = generation + 1; next <= generation + CHANGE_ATTEMPTS; next++) {
            final int candidate = CustomerVersion.withNameGeneration(version, next);
            if (lastNameIndex(id, CustomerVersion.nameGeneration(candidate)) != lastName) {
                return candidate;
            }
        }
        return version;
    }

    private void fillIdentity(final RecordFields record, final long id, final long eventTime) {
        final int idStart = digitsBeforeEnd(id, idText);
        record.set(CustomerColumn.CUSTOMER_ID.ordinal(), idText, idStart, idText.length - idStart);
        eventTimeFormatter.format(eventTime, eventTimeText, 0);
        record.set(CustomerColumn.UPDATED_AT.ordinal(), eventTimeText);
    }

    private int firstNameIndex(final long id) {
        return Hashing.index(Hashing.attribute(seed, id, Attribute.FIRST_NAME, 0), pools.firstNames.length);
    }

    private int lastNameIndex(final long id, final int nameGeneration) {
        return Hashing.index(Hashing.attribute(seed, id, Attribute.LAST_NAME, nameGeneration), pools.lastNames.length);
    }

    private int streetIndex(final long id, final int addressGeneration) {
        return Hashing.index(Hashing.attribute(seed, id, Attribute.STREET, addressGeneration), pools.streets.length);
    }

    private int cityIndex(final long id, final int addressGeneration) {
        return Hashing.index(Hashing.attribute(seed, id, Attribute.CITY, addressGeneration), pools.cities.length);
    }

    /** Writes the customer's email at {@code version} into {@code target}; returns its length. */
    private int renderEmail(final long id, final int version, final byte[] target) {
        final int generation = CustomerVersion.emailGeneration(version);
        final byte[] first = pools.firstNamesFolded[firstNameIndex(id)];
        final byte[] last = pools.lastNamesFolded[lastNameIndex(id, CustomerVersion.emailNameGeneration(version))];
        final long number = Hashing.attribute(seed, id, Attribute.EMAIL_NUMBER, generation);
        int position =
                localPart(first, last, Hashing.attribute(seed, id, Attribute.EMAIL_STYLE, generation), number, target);
        target[position++] = '@';
        final long domainHash = Hashing.attribute(seed, id, Attribute.EMAIL_DOMAIN, generation);
        final byte[][] domains =
                Hashing.index(domainHash << 32, 100) < FREE_MAIL_PERCENT || pools.companyDomains.length == 0
                        ? pools.freeMailDomains
                        : pools.companyDomains;
        final byte[] domain = domains[Hashing.index(domainHash, domains.length)];
        System.arraycopy(domain, 0, target, position, domain.length);
        return position + domain.length;
    }

    private static int localPart(
            final byte[] first, final byte[] last, final long styleHash, final long numberHash, final byte[] target) {
        if (first.length == 0 || last.length == 0) {
            // a name in a script without a Latin folding: a plain account name with a number
            final byte[] name = first.length > 0 ? first : last.length > 0 ? last : FALLBACK_LOCAL_PART;
            final int position = copy(name, 0, MAX_NAME_PART, target, 0);
            return number(100 + Hashing.index(numberHash, 9900), target, position);
        }
        final int style = style(styleHash);
        final long twoDigits = 1 + Hashing.index(numberHash, 99);
        final long birthYear = 1950 + Hashing.index(numberHash, 57);
        int position = 0;
        switch (style) {
            case 0 -> position = joined(first, '.', last, target);
            case 1 -> position = copy(last, 0, MAX_NAME_PART, target, copy(first, 0, MAX_NAME_PART, target, 0));
            case 2 -> position = copy(last, 0, MAX_NAME_PART, target, copy(first, 0, 1, target, 0));
            case 3 -> position = joined(first, '_', last, target);
            case 4 -> position = number(twoDigits, target, joined(first, '.', last, target));
            case 5 ->
                position =
                        number(twoDigits, target, copy(last, 0, MAX_NAME_PART, target, copy(first, 0, 1, target, 0)));
            case 6 -> position = number(birthYear, target, copy(first, 0, MAX_NAME_PART, target, 0));
            case 7 -> position = joined(last, '.', first, target);
            case 8 -> {
                position = copy(first, 0, MAX_NAME_PART, target, 0);
                target[position++] = '.';
                position = copy(last, 0, 1, target, position);
            }
            default -> position = number(twoDigits, target, copy(last, 0, MAX_NAME_PART, target, 0));
        }
        return position;
    }

    private static int style(final long styleHash) {
        final int percent = Hashing.index(styleHash, 100);
        int style = 0;
        while (percent >= STYLE_CUMULATIVE[style]) {
            style++;
        }
        return style;
    }

    private static int joined(final byte[] left, final char separator, final byte[] right, final byte[] target) {
        int position = copy(left, 0, MAX_NAME_PART, target, 0);
        target[position++] = (byte) separator;
        return copy(right, 0, MAX_NAME_PART, target, position);
    }

    private static int copy(
            final byte[] source, final int from, final int maxLength, final byte[] target, final int position) {
        final int length = Math.min(source.length - from, maxLength);
        System.arraycopy(source, from, target, position, length);
        return position + length;
    }

    private static int number(final long value, final byte[] target, final int position) {
        return position + digits(value, target, position);
    }

    /** Writes a non-negative number's decimal digits at the end of {@code target}; returns where they start. */
    private static int digitsBeforeEnd(final long value, final byte[] target) {
        int position = target.length;
        long rest = value;
        do {
            target[--position] = (byte) ('0' + rest % 10);
            rest /= 10;
        } while (rest != 0);
        return position;
    }

    private static int digits(final long value, final byte[] target, final int position) {
        int count = 1;
        for (long rest = value / 10; rest != 0; rest /= 10) {
            count++;
        }
        long rest = value;
        for (int i = position + count - 1; i >= position; i--) {
            target[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        return count;
    }
}
