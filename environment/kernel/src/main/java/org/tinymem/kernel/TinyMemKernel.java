package org.tinymem.kernel;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteInput;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;

/**
 * The TinyMem Jupyter kernel: notebook cells are Java, evaluated by JShell inside this JVM next
 * to the TinyMem library, so a cell can train a model and the next one can show it.
 *
 * <p>Usage: {@code java -cp tinymem-kernel.jar:<library class path> org.tinymem.kernel.TinyMemKernel
 * <connection file>}. Every class path entry except the kernel jar is forwarded to JShell.
 * {@code --warm-up} instead evaluates a few cells and exits (used to record a class-data archive,
 * which makes the kernel start faster).
 */
public final class TinyMemKernel extends BaseKernel {

    static final String VERSION = "0.1.0";
    private static final String COMPILATION_ERROR = "CompilationError";
    private static final List<String> DEFAULT_IMPORTS = List.of(
            "java.util.*", "java.util.function.*", "java.util.stream.*", "java.io.*", "java.nio.file.*");

    private final KernelIO kernelIO;
    private final CellExecutionControl control = new CellExecutionControl();
    private final CompletableFuture<JShell> shell;
    private volatile LibraryBridge library;

    private TinyMemKernel(KernelIO io, List<String> classPath) {
        super("tinymem-java", VERSION,
                new LanguageInfo("java", Runtime.version().toString(), "text/x-java-source", ".jshell",
                        "java", "text/x-java", "script"),
                List.of(), null, io, new CommManager(), new Renderer(), null, new MagicsRegistry(), false,
                new StringStyler.Builder().build());
        this.kernelIO = io;
        // JShell's compiler takes about a second to warm up: do it while the client connects.
        this.shell = CompletableFuture.supplyAsync(() -> startShell(classPath));
    }

    private JShell startShell(List<String> classPath) {
        ExecutionControlProvider engine = new ExecutionControlProvider() {
            @Override
            public String name() {
                return "tinymem";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                return control;
            }
        };
        JShell jshell = JShell.builder().executionEngine(engine, Map.of()).build();
        classPath.forEach(jshell::addToClasspath);
        DEFAULT_IMPORTS.forEach(name -> jshell.eval("import " + name + ";"));
        library = LibraryBridge.connect(ClassLoader.getSystemClassLoader(), this::show, this::update);
        if (library != null) {
            LibraryBridge bridge = library;
            control.onCellThread(bridge::cellThreadStarted);
        }
        return jshell;
    }

    /** Output from threads that outlive their cell has no request to belong to; it is dropped. */
    private void show(Map<String, String> bundle, String displayId) {
        if (!kernelIO.display.isAttached()) {
            return;
        }
        DisplayData data = displayData(bundle);
        if (displayId != null) {
            data.setDisplayId(displayId);
        }
        kernelIO.display.display(data);
    }

    private void update(Map<String, String> bundle, String displayId) {
        if (kernelIO.display.isAttached()) {
            kernelIO.display.updateDisplay(displayId, displayData(bundle));
        }
    }

    private static DisplayData displayData(Map<String, String> bundle) {
        DisplayData data = new DisplayData();
        bundle.forEach(data::putData);
        return data;
    }

    /**
     * Runs a cell like jjava does, but reports failures by the exception's full class name
     * ({@code java.lang.IllegalStateException}) instead of its simple name.
     */
    @Override
    protected synchronized void handleExecuteRequest(ShellReplyEnvironment env, Message<ExecuteRequest> message) {
        commManager.setMessageContext(message);
        ExecuteRequest request = message.getContent();
        int count = executionCount.getAndIncrement();
        env.setBusyDeferIdle();
        env.publish(new PublishExecuteInput(request.getCode(), count));
        replaceOutputStreams(env);
        kernelIO.attach(env, request.isStdinEnabled());
        env.defer(() -> kernelIO.detach(env));
        try {
            DisplayData result = eval(request.getCode());
            if (result != null) {
                env.publish(new PublishExecuteResult(count, result));
            }
            env.defer().reply(new ExecuteReply(count, Collections.emptyMap()));
        } catch (RuntimeException e) {
            CellError error = e instanceof CellError cellError ? cellError : unexpected(e);
            env.publish(new PublishError(error.name, error.getMessage(), error.traceback));
            ErrorReply reply = new ErrorReply(error.name, error.getMessage(), error.traceback);
            reply.setExecutionCount(count);
            env.defer().replyError(ExecuteReply.MESSAGE_TYPE.error(), reply);
        }
    }

    /** Evaluates a cell and renders its last value: rich if the library knows the type. */
    @Override
    public DisplayData eval(String code) {
        CellValue value = run(code);
        if (value == null) {
            return null;
        }
        Map<String, String> bundle = value.object() == null || library == null ? null : library.bundleFor(value.object());
        return bundle == null ? new DisplayData(value.text()) : displayData(bundle);
    }

    @Override
    public Object evalRaw(String code) {
        CellValue value = run(code);
        return value == null ? null : value.object();
    }

    /** The value of a cell that ends in an expression: the object and JShell's text for it. */
    private record CellValue(Object object, String text) {}

    /** Runs the cell's snippets in order; stops at the first failure, which it throws. */
    private CellValue run(String code) {
        JShell jshell = shell.join();
        SourceCodeAnalysis analysis = jshell.sourceCodeAnalysis();
        control.reset();
        CellValue last = null;
        String remaining = code;
        while (!remaining.isBlank()) {
            CompletionInfo info = analysis.analyzeCompletion(remaining);
            if (info.completeness() == Completeness.DEFINITELY_INCOMPLETE
                    || info.completeness() == Completeness.CONSIDERED_INCOMPLETE) {
                throw new CellError(COMPILATION_ERROR, "incomplete code at the end of the cell",
                        List.of("error: the cell ends in the middle of a statement:", "    " + remaining.strip()));
            }
            String source = info.completeness() == Completeness.UNKNOWN ? remaining : info.source();
            remaining = info.completeness() == Completeness.UNKNOWN ? "" : info.remaining();
            last = evalSnippet(jshell, source);
        }
        return last;
    }

    private CellValue evalSnippet(JShell jshell, String source) {
        List<SnippetEvent> events = jshell.eval(source);
        if (control.wasStopped()) {
            throw new CellError("java.lang.InterruptedException", "cell interrupted by the user",
                    List.of("java.lang.InterruptedException: cell interrupted by the user"));
        }
        CellValue value = null;
        for (SnippetEvent event : events) {
            if (event.causeSnippet() != null) {
                continue;
            }
            Snippet snippet = event.snippet();
            if (event.status() == Snippet.Status.REJECTED) {
                throw compilationError(jshell, snippet);
            }
            if (event.exception() != null) {
                throw runtimeError(event.exception());
            }
            if (showsValue(snippet)) {
                value = new CellValue(control.lastValue(), event.value());
            }
        }
        return value;
    }

    /** Expressions show their value, like the last line of a Python cell; declarations do not. */
    private static boolean showsValue(Snippet snippet) {
        return switch (snippet.subKind()) {
            case TEMP_VAR_EXPRESSION_SUBKIND, VAR_VALUE_SUBKIND, ASSIGNMENT_SUBKIND, OTHER_EXPRESSION_SUBKIND -> true;
            default -> false;
        };
    }

    private static CellError compilationError(JShell jshell, Snippet snippet) {
        List<Diag> diagnostics = jshell.diagnostics(snippet).filter(Diag::isError).collect(Collectors.toList());
        List<String> lines = new ArrayList<>();
        for (Diag diag : diagnostics) {
            lines.add("error: " + diag.getMessage(null));
            long start = diag.getStartPosition() == Diag.NOPOS ? diag.getPosition() : diag.getStartPosition();
            lines.addAll(pointAt(snippet.source(), (int) start, (int) diag.getEndPosition()));
        }
        String first = diagnostics.isEmpty() ? "the code does not compile" : diagnostics.get(0).getMessage(null);
        return new CellError(COMPILATION_ERROR, first, lines);
    }

    /** The source line holding the error and carets under the offending code, as javac prints them. */
    static List<String> pointAt(String source, int start, int end) {
        int from = Math.max(0, Math.min(start, source.length()));
        int lineStart = source.lastIndexOf('\n', from - 1) + 1;
        int lineEnd = source.indexOf('\n', from) < 0 ? source.length() : source.indexOf('\n', from);
        int to = Math.max(from + 1, Math.min(end, lineEnd));
        return List.of("    " + source.substring(lineStart, lineEnd),
                "    " + " ".repeat(from - lineStart) + "^".repeat(to - from));
    }

    private static CellError runtimeError(JShellException exception) {
        List<String> traceback = new ArrayList<>();
        String name = exception instanceof EvalException eval ? eval.getExceptionClassName()
                : exception.getClass().getName();
        for (Throwable t = exception; t != null; t = t.getCause()) {
            String className = t instanceof EvalException eval ? eval.getExceptionClassName() : t.getClass().getName();
            String message = t.getMessage();
            traceback.add((t == exception ? "" : "Caused by: ") + className + (message == null ? "" : ": " + message));
            Arrays.stream(t.getStackTrace())
                    .filter(frame -> !isKernelFrame(frame))
                    .map(frame -> "\tat " + frame)
                    .forEach(traceback::add);
        }
        return new CellError(name, exception.getMessage(), traceback);
    }

    /** Frames of the kernel, reflection and JShell tell a notebook user nothing. */
    private static boolean isKernelFrame(StackTraceElement frame) {
        String cls = frame.getClassName();
        return cls.startsWith("jdk.internal.reflect.") || cls.startsWith("java.lang.reflect.")
                || cls.startsWith("jdk.jshell.") || cls.startsWith("org.tinymem.kernel.")
                || cls.equals("java.lang.Thread");
    }

    private static CellError unexpected(RuntimeException e) {
        List<String> traceback = new ArrayList<>();
        traceback.add(e.toString());
        Arrays.stream(e.getStackTrace()).map(frame -> "\tat " + frame).forEach(traceback::add);
        return new CellError(e.getClass().getName(), e.getMessage(), traceback);
    }

    @Override
    public void interrupt() {
        control.stop();
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        SourceCodeAnalysis analysis = shell.join().sourceCodeAnalysis();
        int start = snippetStart(analysis, code, at);
        int[] anchor = new int[1];
        List<String> matches = analysis.completionSuggestions(code.substring(start, at), at - start, anchor).stream()
                .sorted(Comparator.comparing((SourceCodeAnalysis.Suggestion s) -> !s.matchesType()))
                .map(SourceCodeAnalysis.Suggestion::continuation)
                .distinct()
                .collect(Collectors.toList());
        return matches.isEmpty() ? null : new ReplacementOptions(matches, start + anchor[0], at);
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        SourceCodeAnalysis analysis = shell.join().sourceCodeAnalysis();
        int start = snippetStart(analysis, code, at);
        String text = analysis.documentation(code.substring(start, at), at - start, true).stream()
                .map(doc -> doc.javadoc() == null || doc.javadoc().isBlank()
                        ? doc.signature() : doc.signature() + "\n\n" + doc.javadoc())
                .collect(Collectors.joining("\n\n"));
        return text.isEmpty() ? null : new DisplayData(text);
    }

    /** Where the snippet holding the cursor starts, since JShell analyses one snippet at a time. */
    private static int snippetStart(SourceCodeAnalysis analysis, String code, int at) {
        int start = 0;
        String remaining = code;
        while (true) {
            CompletionInfo info = analysis.analyzeCompletion(remaining);
            if (!info.completeness().isComplete()) {
                return start;
            }
            int consumed = remaining.length() - info.remaining().length();
            if (consumed <= 0 || start + consumed >= at) {
                return start;
            }
            start += consumed;
            remaining = info.remaining();
        }
    }

    @Override
    public String isComplete(String code) {
        SourceCodeAnalysis analysis = shell.join().sourceCodeAnalysis();
        String remaining = code;
        while (!remaining.isBlank()) {
            CompletionInfo info = analysis.analyzeCompletion(remaining);
            switch (info.completeness()) {
                case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE:
                    return "    ";
                case UNKNOWN:
                    return IS_COMPLETE_BAD;
                default:
                    remaining = info.remaining();
            }
        }
        return IS_COMPLETE_YES;
    }

    @Override
    public void onShutdown(boolean restart) {
        shell.join().close();
    }

    /** The class path entries for cells: the JVM's, without the kernel jar itself. */
    static List<String> cellClassPath() {
        Path kernelJar = kernelJar();
        return Arrays.stream(System.getProperty("java.class.path", "").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .filter(entry -> kernelJar == null || !Paths.get(entry).toAbsolutePath().normalize().equals(kernelJar))
                .collect(Collectors.toList());
    }

    private static Path kernelJar() {
        try {
            return Paths.get(TinyMemKernel.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toAbsolutePath().normalize();
        } catch (Exception e) {
            return null;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: TinyMemKernel <connection file> | --warm-up");
            System.exit(2);
        }
        TinyMemKernel kernel = new TinyMemKernel(new KernelIO(), cellClassPath());
        if (args[0].equals("--warm-up")) {
            warmUp(kernel);
            return;
        }
        String connection = Files.readString(Paths.get(args[0]));
        JupyterConnection jupyter = new JupyterConnection(KernelConnectionProperties.parse(connection));
        kernel.becomeHandlerForConnection(jupyter);
        jupyter.connect();
        jupyter.waitUntilClose();
        kernel.shell.join().close();
        System.exit(0);
    }

    /** Exercises the code paths of a typical session so a class-data archive records them. */
    private static void warmUp(TinyMemKernel kernel) {
        kernel.eval("int warmUp = 1 + 1;\nString.valueOf(warmUp)");
        Objects.requireNonNull(kernel.complete("Math.ab", 7));
        kernel.isComplete("for (int i = 0; i < 3; i++) {");
        try {
            kernel.eval("throw new IllegalStateException(\"warm-up\");");
        } catch (CellError expected) {
            // The error path is part of what gets archived.
        }
        kernel.shell.join().close();
    }
}
