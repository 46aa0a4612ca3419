from django.contrib.auth.hashers import PBKDF2PasswordHasher, ScryptPasswordHasher

from hashbank.cases import pins


def test_case_numbers_are_random_and_in_the_unambiguous_alphabet():
    numbers = {pins.new_case_number() for _ in range(200)}
    assert len(numbers) == 200
    for number in numbers:
        assert pins.NUMBER_RE.match(number)
        assert not set(number[2:]) & set("ILOU")


def test_a_case_number_is_accepted_however_it_was_copied():
    assert pins.normalize_case_number("hb-7kq4-m2xd") == "HB7KQ4M2XD"
    assert pins.normalize_case_number(" HB 7KQ4 M2XD ") == "HB7KQ4M2XD"
    # Letters people confuse with digits are read as the digits.
    assert pins.normalize_case_number("HB-7KQ4-M2XO") == "HB7KQ4M2X0"
    assert pins.format_case_number("HB7KQ4M2XD") == "HB-7KQ4-M2XD"


def test_malformed_case_numbers_are_refused():
    for raw in ["", "HB", "HB-7KQ4-M2X", "XX-7KQ4-M2XD", "HB-7KQ4-M2XD-1", "HB-7KQ4-M2X!", None, 7]:
        assert pins.normalize_case_number(raw) is None


def test_pins_have_twelve_digits_and_are_shown_in_groups():
    pin = pins.new_pin()
    assert len(pin) == 12 and pin.isdigit()
    assert pins.format_pin("123456789012") == "1234-5678-9012"
    assert pins.normalize_pin("1234-5678 9012") == "123456789012"
    assert pins.normalize_pin("1234-5678-901") is None
    assert pins.normalize_pin("١٢٣٤٥٦٧٨٩٠١٢") is None  # non-ASCII digits


def test_a_pin_is_stored_only_as_a_slow_salted_hash():
    first, second = pins.hash_pin("123456789012"), pins.hash_pin("123456789012")
    assert first != second  # salted
    assert "123456789012" not in first
    algorithm, work_factor, _salt, block_size, _parallelism, _digest = first.split("$")
    assert algorithm == "scrypt"
    assert int(work_factor) * 128 * int(block_size) >= 512 * 1024  # memory-hard: 512 KiB a guess
    assert pins.verify_pin("123456789012", first)
    assert not pins.verify_pin("123456789013", first)


def test_pin_hashes_are_djangos_standard_scrypt_encoding():
    stock = ScryptPasswordHasher()
    ours = pins.PinHasher()
    salt = ours.salt()
    assert ours.encode("123456789012", salt) == stock.encode(
        "123456789012", salt, n=ours.work_factor, r=ours.block_size, p=ours.parallelism
    )
    assert pins.verify_pin("123456789012", stock.encode("123456789012", stock.salt(), n=2**10))


def test_a_pin_hashed_with_the_earlier_pbkdf2_setting_still_verifies():
    hasher = PBKDF2PasswordHasher()
    encoded = hasher.encode("123456789012", hasher.salt(), 12_000)
    assert pins.verify_pin("123456789012", encoded)
    assert not pins.verify_pin("123456789013", encoded)


def test_verifying_against_no_case_is_refused():
    assert not pins.verify_pin("123456789012", None)
    assert not pins.verify_pin(None, None)


def test_every_digit_and_character_is_drawn_in_every_position():
    numbers = [pins.new_case_number() for _ in range(3000)]
    for position in range(2, 10):
        assert {n[position] for n in numbers} == set(pins.NUMBER_ALPHABET)
    pins_drawn = [pins.new_pin() for _ in range(1000)]
    for position in range(pins.PIN_DIGITS):
        assert {p[position] for p in pins_drawn} == set("0123456789")
