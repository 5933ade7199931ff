package io.lambdahat.torch;

import io.lambdahat.bindings.lambdahat_h;
import org.junit.jupiter.api.Test;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Guards the generated bindings against drift from the C header: every function the header declares is bound
 * with the layouts its C types call for, nothing else is bound, every binding resolves in the built library,
 * and every #define constant has the header's value.
 */
class BindingsMatchHeaderTest {
    private static final Path HEADER = Path.of("native-build/include/lambdahat.h");

    record CFunction(String name, String returnType, List<String> parameterTypes) {}

    static String stripComments(String text) {
        return text.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
    }

    static Map<String, CFunction> parseFunctions(String header) {
        String body = String.join("\n", stripComments(header).lines().filter(l -> !l.strip().startsWith("#")).toList());
        Pattern decl = Pattern.compile("^([\\w\\s*]+?)\\s*\\b(lh_\\w+)\\((.*)\\)$");
        Map<String, CFunction> out = new LinkedHashMap<>();
        for (String raw : body.split(";")) {
            String d = raw.replaceAll("\\s+", " ").strip().replace("extern \"C\" { ", "");
            if (d.startsWith("typedef")) continue;
            Matcher m = decl.matcher(d);
            if (!m.matches()) continue;
            List<String> params = new ArrayList<>();
            String p = m.group(3).strip();
            if (!p.isEmpty() && !p.equals("void")) {
                for (String one : p.split(",")) params.add(one.strip().replaceAll("\\w+$", "").strip());
            }
            out.put(m.group(2), new CFunction(m.group(2), m.group(1).strip(), params));
        }
        return out;
    }

    static MemoryLayout layoutOf(String cType) {
        String t = cType.replace("const ", "").strip();
        if (t.endsWith("*") || t.equals("lh_tensor") || t.equals("lh_generator") || t.equals("lh_op") || t.equals("lh_module")) return lambdahat_h.C_POINTER;
        return switch (t) {
            case "int32_t" -> lambdahat_h.C_INT;
            case "int64_t", "uint64_t" -> lambdahat_h.C_LONG;
            case "double" -> lambdahat_h.C_DOUBLE;
            default -> throw new AssertionError("the test does not know C type '" + t + "': extend layoutOf");
        };
    }

    static FunctionDescriptor expected(CFunction f) {
        MemoryLayout[] args = f.parameterTypes().stream().map(BindingsMatchHeaderTest::layoutOf).toArray(MemoryLayout[]::new);
        return f.returnType().equals("void") ? FunctionDescriptor.ofVoid(args) : FunctionDescriptor.of(layoutOf(f.returnType()), args);
    }

    @Test
    void everyDeclaredFunctionIsBoundWithMatchingLayoutsAndResolves() throws Exception {
        Native.ensureLoaded();
        Map<String, CFunction> declared = parseFunctions(Files.readString(HEADER));
        assertTrue(declared.size() > 50, "parsed only " + declared.size() + " functions: is the parser broken?");
        TreeSet<String> bound = new TreeSet<>();
        for (Method m : lambdahat_h.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && m.getName().endsWith("$descriptor")) {
                bound.add(m.getName().substring(0, m.getName().length() - "$descriptor".length()));
            }
        }
        assertEquals(new TreeSet<>(declared.keySet()), bound, "functions in the header vs functions bound");
        for (CFunction f : declared.values()) {
            FunctionDescriptor actual = (FunctionDescriptor) lambdahat_h.class.getMethod(f.name() + "$descriptor").invoke(null);
            assertEquals(stripTargets(expected(f)), stripTargets(actual), "layouts of " + f.name());
            MemorySegment address = (MemorySegment) lambdahat_h.class.getMethod(f.name() + "$address").invoke(null);
            assertNotEquals(0, address.address(), f.name() + " resolves in the built library");
        }
    }

    /** Pointer target layouts are a jextract convenience, not part of the C ABI. */
    private static String stripTargets(FunctionDescriptor d) {
        return d.toString().replaceAll("\\[[^\\]]*\\]", "");
    }

    @Test
    void constantsHaveTheHeadersValues() throws Exception {
        Matcher m = Pattern.compile("(?m)^#define\\s+(LH_[A-Z0-9_]+)\\s+(-?\\d+)\\s*$").matcher(Files.readString(HEADER));
        int n = 0;
        while (m.find()) {
            int actual = (int) lambdahat_h.class.getMethod(m.group(1)).invoke(null);
            assertEquals(Integer.parseInt(m.group(2)), actual, m.group(1));
            n++;
        }
        assertTrue(n >= 20, "parsed " + n + " constants");
    }

    @Test
    void javaEnumsAgreeWithTheHeaderCodes() {
        assertEquals(lambdahat_h.LH_FLOAT32(), DType.FLOAT32.code);
        assertEquals(lambdahat_h.LH_FLOAT64(), DType.FLOAT64.code);
        assertEquals(lambdahat_h.LH_INT64(), DType.INT64.code);
        assertEquals(lambdahat_h.LH_BOOL(), DType.BOOL.code);
        assertEquals(lambdahat_h.LH_BFLOAT16(), DType.BFLOAT16.code);
        assertEquals(lambdahat_h.LH_CPU(), Device.Type.CPU.code);
        assertEquals(lambdahat_h.LH_CUDA(), Device.Type.CUDA.code);
        assertEquals(Arrays.asList(DType.values()).size(), 10);
    }
}
