package dev.javoy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Message;

/**
 * One resource of a response, unpacked.
 *
 * @param name its xDS name
 * @param value the message
 * @param raw the packed form, to compare with what is in force and to show in dumps
 * @param version its version: the resource's own in delta (or in a SotW {@code Resource} wrapper), else
 *     the response's
 */
record DecodedResource<T extends Message>(String name, T value, Any raw, String version) {}
