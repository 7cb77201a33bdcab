package dev.javoy.proxy.config;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Which fields a message sets, read from its wire form instead of protobuf's reflection ({@code hasField} and
 * {@code getRepeatedFieldCount} on a generated message initialize its {@code FieldAccessorTable}; see
 * {@link MessageDescriptors}). A field is on the wire exactly when {@code hasField} (or a non-empty repeated field)
 * would say it is set: proto3 scalars when not the default, message fields and oneof members when present, repeated
 * and map fields when not empty. Generated code writes the message (no reflection), and its nested messages
 * remember their sizes, so checking a message and then its parts costs about one serialization of each level.
 */
final class WireFields {
  private WireFields() {}

  /**
   * The lowest of {@code numbers} (ascending field numbers) that {@code m} sets, as an index into {@code numbers};
   * -1 when it sets none of them.
   */
  static int firstSet(Message m, int[] numbers) {
    if (numbers.length == 0) {
      return -1;
    }
    if (m instanceof DynamicMessage) {
      return firstSetDynamic((DynamicMessage) m, numbers);
    }
    if (m.getSerializedSize() == 0) {
      return -1;
    }
    int first = Integer.MAX_VALUE;
    try {
      CodedInputStream in = CodedInputStream.newInstance(m.toByteArray());
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        int number = WireFormat.getTagFieldNumber(tag);
        if (number < first && indexOf(numbers, number) >= 0) {
          first = number;
        }
        in.skipField(tag);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read back a serialized " + m.getClass().getName(), e);
    }
    return first == Integer.MAX_VALUE ? -1 : indexOf(numbers, first);
  }

  private static int firstSetDynamic(DynamicMessage m, int[] numbers) {
    var type = m.getDescriptorForType();
    for (int i = 0; i < numbers.length; i++) {
      var f = type.findFieldByNumber(numbers[i]);
      if (f.isRepeated() ? m.getRepeatedFieldCount(f) > 0 : m.hasField(f)) {
        return i;
      }
    }
    return -1;
  }

  private static int indexOf(int[] sorted, int number) {
    return java.util.Arrays.binarySearch(sorted, number);
  }
}
