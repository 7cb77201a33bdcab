package dev.javoy.proxy.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.DoubleValue;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import org.junit.jupiter.api.Test;

class ProtoJsonTest {
  @Test
  void reformatsLikeCppProtobuf() {
    assertEquals("{\n \"a\": 1,\n \"b\": [],\n \"c\": {},\n \"d\": \"x=y<z>&'\\\"\",\n \"e\": [\n  1,\n  2.5\n ],\n"
        + " \"f\": 1e+20,\n \"g\": true\n}",
        ProtoJson.reformat("{\"a\":1.0,\"b\":[],\"c\":{},\"d\":\"x\\u003dy\\u003cz\\u003e\\u0026\\u0027\\\"\","
            + "\"e\":[1,2.5],\"f\":1.0E20,\"g\":true}"));
  }

  @Test
  void printsSortedMapKeysAndProtoFieldNames() throws Exception {
    Struct s = Struct.newBuilder()
        .putFields("zeta", Value.newBuilder().setNumberValue(3).build())
        .putFields("alpha", Value.newBuilder().setListValue(ListValue.getDefaultInstance()).build())
        .build();
    ProtoJson json = new ProtoJson(JsonFormat.TypeRegistry::getEmptyTypeRegistry);
    assertEquals("{\n \"alpha\": [],\n \"zeta\": 3\n}\n", json.pretty(s, false));
    assertEquals("0.25\n", json.pretty(DoubleValue.of(0.25), false));
  }
}
