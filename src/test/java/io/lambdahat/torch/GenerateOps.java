package io.lambdahat.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the boxed-operator surface of {@code io.lambdahat.torch} from its committed list of libtorch schemas,
 * {@code src/main/java-templates/io/lambdahat/torch/ops.txt}, as the bindings are written from the shim's header:
 * each {@code [Class]} section of the list becomes {@code Class.java} in {@code src/main/java/io/lambdahat/torch},
 * marked GENERATED: a section whose header goes on ({@code [TensorOps extends TypedTensorOps permits Tensor]}) a
 * package-private abstract base class of {@code Tensor}, any other a public final class of static methods. A
 * method's body pushes its arguments in schema order and calls the operator, found once.
 *
 * <p>A declaration is a Java method head, {@code " = "}, and the operator's schema as libtorch prints it
 * ({@code GeneratedOpsTest} checks every schema against libtorch). The {@code ///} lines above it become its Javadoc.
 * An instance method passes {@code this} as the schema's {@code self}; every Java parameter is the schema argument
 * of the same name in camelCase, or the one named after a colon ({@code Tensor input:self}). Schema arguments left
 * out take their defaults (pushed explicitly when a later argument is given), or the value after a trailing
 * {@code ; name=value}. {@code ## title} starts a section comment.
 *
 * <p>Run it as {@code bin/generate-ops} ({@code --check} changes nothing and exits 1 when a generated file is out of
 * date); {@code GeneratedOpsTest} runs the check in the test suite.
 */
public final class GenerateOps {
    static final String LIST = "src/main/java-templates/io/lambdahat/torch/ops.txt";
    static final String OUTPUT = "src/main/java/io/lambdahat/torch";

    private GenerateOps() {}

    /** One argument of a schema: its type without alias marks (e.g. {@code int[1]?}) and its default, or null. */
    record Argument(String type, String name, String defaultValue) {
        boolean optional() {
            return type.endsWith("?");
        }

        String base() {
            return optional() ? type.substring(0, type.length() - 1) : type;
        }

        boolean list() {
            return base().endsWith("]");
        }
    }

    /** A parsed schema: operator name, overload (empty for the default one) and the arguments in call order. */
    record Schema(String text, String name, String overload, List<Argument> arguments) {
        Argument argument(String argName) {
            for (Argument a : arguments) if (a.name.equals(argName)) return a;
            throw new IllegalArgumentException("no argument '" + argName + "' in " + text);
        }
    }

    /** One Java parameter and the schema argument it binds. */
    record Parameter(String type, String name, String argument) {}

    /** One declaration of the list. */
    record Declaration(List<String> doc, boolean isStatic, String returnType, String method, List<Parameter> parameters,
                       Schema schema, Map<String, String> constants) {}

    static Schema parseSchema(String text) {
        int open = text.indexOf('('), close = text.lastIndexOf(") ->");
        if (open < 0 || close < open) throw new IllegalArgumentException("not a schema: " + text);
        String qualified = text.substring(0, open);
        int dot = qualified.indexOf('.');
        String name = dot < 0 ? qualified : qualified.substring(0, dot);
        String overload = dot < 0 ? "" : qualified.substring(dot + 1);
        List<Argument> arguments = new ArrayList<>();
        for (String part : splitTopLevel(text.substring(open + 1, close))) {
            part = part.strip();
            if (part.isEmpty() || part.equals("*")) continue;
            String declared = part, defaultValue = null;
            int eq = part.indexOf('=');
            if (eq >= 0) {
                declared = part.substring(0, eq);
                defaultValue = part.substring(eq + 1);
            }
            int space = declared.lastIndexOf(' ');
            String type = declared.substring(0, space).replaceAll("\\([a-z]!?\\)", "");
            arguments.add(new Argument(type, declared.substring(space + 1), defaultValue));
        }
        return new Schema(text, name, overload, arguments);
    }

    /** Splits at commas outside brackets (defaults such as {@code [1, 1]} hold commas). */
    static List<String> splitTopLevel(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0, start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '[' || c == '(') depth++;
            else if (c == ']' || c == ')') depth--;
            else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    static String camel(String snake) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') up = true;
            else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }

    static Declaration parseDeclaration(List<String> doc, String line) {
        int eq = line.indexOf(" = ");
        String head = line.substring(0, eq).strip();
        String rest = line.substring(eq + 3).strip();
        Map<String, String> constants = new LinkedHashMap<>();
        int semi = rest.lastIndexOf("; ");
        if (semi > rest.lastIndexOf("->")) {
            for (String c : rest.substring(semi + 2).split(",")) {
                String[] kv = c.strip().split("=", 2);
                constants.put(kv[0], kv[1]);
            }
            rest = rest.substring(0, semi).strip();
        }
        Schema schema = parseSchema(rest);
        boolean isStatic = head.startsWith("static ");
        if (isStatic) head = head.substring("static ".length());
        int paren = head.indexOf('(');
        String[] returnAndName = head.substring(0, paren).strip().split(" ");
        List<Parameter> parameters = new ArrayList<>();
        String inside = head.substring(paren + 1, head.lastIndexOf(')')).strip();
        if (!inside.isEmpty()) {
            for (String p : inside.split(",")) {
                p = p.strip();
                int space = p.lastIndexOf(' ');
                String type = p.substring(0, space), name = p.substring(space + 1), argument = null;
                int colon = name.indexOf(':');
                if (colon >= 0) {
                    argument = name.substring(colon + 1);
                    name = name.substring(0, colon);
                } else {
                    for (Argument a : schema.arguments) if (camel(a.name).equals(name)) argument = a.name;
                    if (argument == null) throw new IllegalArgumentException("no schema argument for parameter " + name + " of " + line);
                }
                schema.argument(argument);
                parameters.add(new Parameter(type, name, argument));
            }
        }
        for (String c : constants.keySet()) schema.argument(c);
        return new Declaration(List.copyOf(doc), isStatic, returnAndName[0], returnAndName[1], parameters, schema, constants);
    }

    /** The push of one Java parameter onto the call frame, checked against the schema argument's type. */
    static String push(Parameter p, Argument a) {
        String base = a.base();
        String t = p.type, n = p.name;
        boolean ok;
        String call;
        if (base.equals("Tensor[]")) {
            ok = t.equals("Tensor...") || t.equals("Tensor[]");
            call = ".tensors(" + n + ")";
        } else if (base.equals("Tensor")) {
            ok = t.equals("Tensor");
            call = (a.optional() ? ".optionalTensor(" : ".tensor(") + n + ")";
        } else if (base.startsWith("int[") || base.startsWith("SymInt[")) {
            ok = t.equals("long...") || t.equals("long[]") || t.equals("long");
            call = ".ints(" + n + ")";
        } else if (base.equals("int") || base.equals("SymInt")) {
            ok = t.equals("long");
            call = ".integer(" + n + ")";
        } else if (base.equals("float") || base.equals("Scalar")) {
            if (t.equals("Double") && a.optional()) return ".optionalReal(" + n + ")";
            if (t.equals("long") && base.equals("Scalar")) return ".integer(" + n + ")";
            ok = t.equals("double");
            call = ".real(" + n + ")";
        } else if (base.equals("bool")) {
            ok = t.equals("boolean");
            call = ".bool(" + n + ")";
        } else if (base.equals("ScalarType")) {
            ok = t.equals("DType");
            call = ".dtype(" + n + ")";
        } else if (base.equals("Device")) {
            ok = t.equals("Device");
            call = ".device(" + n + ")";
        } else if (base.equals("Generator")) {
            ok = t.equals("Generator");
            call = ".generator(" + n + ")";
        } else if (base.equals("str")) {
            ok = t.equals("String");
            call = ".string(" + n + ")";
        } else {
            throw new IllegalArgumentException("no Java type for schema type " + a.type);
        }
        if (!ok) throw new IllegalArgumentException("Java type " + t + " does not fit schema type " + a.type + " of " + a.name);
        return call;
    }

    /** The push of a literal value (a schema default or a declared constant) for a schema argument. */
    static String pushLiteral(Argument a, String value) {
        String base = a.base();
        if (value.equals("None")) return ".none()";
        if (value.equals("True") || value.equals("False")) return ".bool(" + value.equals("True") + ")";
        if (value.startsWith("'") || value.startsWith("\"")) return ".string(\"" + value.substring(1, value.length() - 1) + "\")";
        if (value.startsWith("[")) {
            String inner = value.substring(1, value.length() - 1).strip();
            return ".ints(" + inner + ")";
        }
        if (value.equals("Mean")) return ".integer(1)";  // at::Reduction::Mean
        if (base.equals("int") || base.equals("SymInt")) return ".integer(" + Long.parseLong(value) + ")";
        if (base.equals("float") || base.equals("Scalar")) return ".real(" + Double.parseDouble(value) + ")";
        throw new IllegalArgumentException("no Java literal for " + a.name + "=" + value);
    }

    static String constantName(Schema s) {
        String base = s.name.substring(s.name.indexOf("::") + 2);
        return (s.overload.isEmpty() ? base : base + "_" + s.overload).toUpperCase(Locale.ROOT);
    }

    /** The Java method of one declaration. */
    static String method(Declaration d, String indent) {
        StringBuilder b = new StringBuilder();
        b.append(indent).append("/**\n");
        for (String line : d.doc) b.append(indent).append(line.isEmpty() ? " *" : " * " + line).append('\n');
        b.append(indent).append(" */\n");
        b.append(indent).append("public ").append(d.isStatic ? "static " : "").append(d.returnType).append(' ')
                .append(d.method).append('(');
        for (int i = 0; i < d.parameters.size(); i++) {
            Parameter p = d.parameters.get(i);
            b.append(i == 0 ? "" : ", ").append(p.type).append(' ').append(p.name);
        }
        b.append(") {\n");
        StringBuilder call = new StringBuilder("Ops." + constantName(d.schema) + ".call()");
        int last = -1;
        List<Argument> args = d.schema.arguments;
        for (int i = 0; i < args.size(); i++) {
            String n = args.get(i).name;
            if (bound(d, n) != null || d.constants.containsKey(n) || (!d.isStatic && n.equals("self"))) last = i;
        }
        for (int i = 0; i <= last; i++) {
            Argument a = args.get(i);
            Parameter p = bound(d, a.name);
            if (p != null) call.append(push(p, a));
            else if (!d.isStatic && a.name.equals("self")) call.append(".tensor(self())");
            else if (d.constants.containsKey(a.name)) call.append(pushLiteral(a, d.constants.get(a.name)));
            else if (a.defaultValue != null) call.append(pushLiteral(a, a.defaultValue));
            else throw new IllegalArgumentException("argument '" + a.name + "' of " + d.schema.text + " has no value");
        }
        for (int i = last + 1; i < args.size(); i++) {
            if (args.get(i).defaultValue == null) {
                throw new IllegalArgumentException("argument '" + args.get(i).name + "' of " + d.schema.text + " has no value");
            }
        }
        String end = switch (d.returnType) {
            case "Tensor" -> ".returnTensor()";
            case "Tensor[]" -> ".returnTensors()";
            case "void" -> ".run()";
            default -> throw new IllegalArgumentException("unsupported return type " + d.returnType);
        };
        b.append(indent).append("    ").append(d.returnType.equals("void") ? "" : "return ").append(call).append(end)
                .append(";\n");
        b.append(indent).append("}\n");
        return b.toString();
    }

    static Parameter bound(Declaration d, String argument) {
        for (Parameter p : d.parameters) if (p.argument.equals(argument)) return p;
        return null;
    }

    /** A section of the list: the class it becomes, its Javadoc, and its entries (declarations and titles). */
    record Section(String className, List<String> classDoc, List<Object> entries) {}

    static List<Section> parse(String list) {
        List<Section> sections = new ArrayList<>();
        List<String> doc = new ArrayList<>();
        Section current = null;
        for (String raw : list.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("# ") || line.equals("#")) continue;
            if (line.startsWith("///")) {
                doc.add(line.length() > 3 ? line.substring(4) : "");
            } else if (line.startsWith("[")) {
                current = new Section(line.substring(1, line.length() - 1), List.copyOf(doc), new ArrayList<>());
                sections.add(current);
                doc.clear();
            } else if (line.startsWith("## ")) {
                current.entries.add(line.substring(3));
            } else {
                current.entries.add(parseDeclaration(doc, line));
                doc.clear();
            }
        }
        return sections;
    }

    /** The source of one section's class. */
    static String source(Section s) {
        String[] header = s.className.split(" ", 2);
        String className = header[0];
        StringBuilder b = new StringBuilder();
        b.append("// GENERATED by bin/generate-ops from ").append(LIST).append(" — do not edit.\n");
        b.append("package io.lambdahat.torch;\n\n");
        b.append("/**\n");
        for (String line : s.classDoc) b.append(line.isEmpty() ? " *" : " * " + line).append('\n');
        b.append(" */\n");
        if (header.length > 1) {
            // a base class of Tensor: package-private, so that its methods are documented and used as Tensor's
            b.append("abstract sealed class ").append(className).append(' ').append(header[1]).append(" {\n");
            b.append("    ").append(className).append("() {}\n");
        } else {
            b.append("public final class ").append(className).append(" {\n");
            b.append("    private ").append(className).append("() {}\n");
        }
        Map<String, Schema> ops = new LinkedHashMap<>();
        for (Object e : s.entries) {
            if (e instanceof String title) {
                b.append("\n    // ---------------------------------------------------------------- ").append(title).append('\n');
            } else {
                Declaration d = (Declaration) e;
                b.append('\n').append(method(d, "    "));
                ops.putIfAbsent(constantName(d.schema), d.schema);
            }
        }
        b.append("\n    /** The operators behind the methods above, found once, on first use. */\n");
        b.append("    static final class Ops {\n");
        for (Map.Entry<String, Schema> e : ops.entrySet()) {
            b.append("        static final Op ").append(e.getKey()).append(" = Op.find(\"").append(e.getValue().name)
                    .append("\", \"").append(e.getValue().overload).append("\");\n");
        }
        b.append("\n        private Ops() {}\n    }\n}\n");
        return b.toString();
    }

    /** Each generated file's path (under the root) and its expected source. */
    static Map<Path, String> outputs(Path root) throws IOException {
        Map<Path, String> out = new LinkedHashMap<>();
        for (Section s : parse(Files.readString(root.resolve(LIST)))) {
            out.put(root.resolve(OUTPUT).resolve(s.className.split(" ")[0] + ".java"), source(s));
        }
        return out;
    }

    /** Every schema of the list, in order, for comparison with libtorch's. */
    static List<String> schemas(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        for (Section s : parse(Files.readString(root.resolve(LIST)))) {
            for (Object e : s.entries) if (e instanceof Declaration d) out.add(d.schema.text);
        }
        return out;
    }

    public static void main(String[] args) throws IOException {
        boolean check = args.length > 0 && args[0].equals("--check");
        Path root = Path.of(args.length > 1 ? args[1] : ".");
        int stale = 0;
        for (Map.Entry<Path, String> e : outputs(root).entrySet()) {
            Path p = e.getKey();
            boolean same = Files.exists(p) && Files.readString(p).equals(e.getValue());
            if (same) continue;
            if (check) {
                System.err.println(p + " is out of date with " + LIST + "; run bin/generate-ops");
                stale++;
            } else {
                Files.writeString(p, e.getValue());
                System.out.println("wrote " + p);
            }
        }
        if (stale > 0) System.exit(1);
    }
}
