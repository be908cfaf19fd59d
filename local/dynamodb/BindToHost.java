// Starts DynamoDB Local listening on one address only (its command line has no -host option, and
// its Jetty server listens on every interface). Run in Java's source-file mode:
//   java -cp DynamoDBLocal.jar BindToHost.java <host> <DynamoDB Local arguments…>
// It builds the server as DynamoDB Local's own main does, sets the host of its connectors before
// starting it, and refuses to start if any connector could not be restricted.
import java.lang.reflect.Field;
import java.util.Arrays;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class BindToHost {
  public static void main(String[] args) throws Exception {
    if (args.length < 1) throw new IllegalArgumentException("usage: BindToHost <host> <args…>");
    String host = args[0];
    DynamoDBProxyServer proxy =
        ServerRunner.createServerFromCommandLineArgs(Arrays.copyOfRange(args, 1, args.length));
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector");
    for (Connector connector : connectors) {
      if (!(connector instanceof ServerConnector)) {
        throw new IllegalStateException("cannot restrict connector " + connector);
      }
      ((ServerConnector) connector).setHost(host);
    }
    proxy.start();
  }
}
