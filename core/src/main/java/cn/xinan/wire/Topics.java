package cn.xinan.wire;

import cn.xinan.event.DeviceEvent;

/**
 * MQTT topic names. Every topic starts with the device's own id, so a broker ACL such as Mosquitto's
 * {@code pattern write %u/#} confines a device (whose user name is its id) to its own topics.
 *
 * <pre>
 *   {deviceId}/events   event batches, QoS 1, not retained
 *   {deviceId}/status   retained status, signed by the device; the last will sets it offline
 *   {deviceId}/ack      retained, written by collectors only: every seq up to "through" is stored
 *   {deviceId}/resend   written by collectors only: send this seq range again if you still have it
 * </pre>
 * A device writes only {@code events} and {@code status} under its id and reads only {@code ack} and
 * {@code resend} under its id.
 */
public final class Topics {
    /** Collectors share this subscription, so several replicas split the load (MQTT 5 §4.8.2). */
    public static final String SHARED_GROUP = "xinan-collectors";
    public static final String EVENTS_FILTER = "+/events";
    public static final String SHARED_EVENTS_FILTER = "$share/" + SHARED_GROUP + "/" + EVENTS_FILTER;
    public static final String STATUS_FILTER = "+/status";

    public static final String ACK_FILTER = "+/ack";

    private static final String EVENTS_SUFFIX = "/events";
    private static final String STATUS_SUFFIX = "/status";
    private static final String ACK_SUFFIX = "/ack";
    private static final String RESEND_SUFFIX = "/resend";

    private Topics() {
    }

    public static String events(String deviceId) {
        return DeviceEvent.checkDeviceId(deviceId) + EVENTS_SUFFIX;
    }

    public static String status(String deviceId) {
        return DeviceEvent.checkDeviceId(deviceId) + STATUS_SUFFIX;
    }

    /** Where collectors publish (retained) how far a device's events are durably stored. */
    public static String ack(String deviceId) {
        return DeviceEvent.checkDeviceId(deviceId) + ACK_SUFFIX;
    }

    /** Where collectors ask a device to send a range of its events again. */
    public static String resend(String deviceId) {
        return DeviceEvent.checkDeviceId(deviceId) + RESEND_SUFFIX;
    }

    /**
     * The device id that an events topic belongs to.
     *
     * @throws WireFormatException when the topic is not {@code {deviceId}/events}
     */
    public static String deviceOfEventsTopic(String topic) throws WireFormatException {
        if (topic == null || !topic.endsWith(EVENTS_SUFFIX)) {
            throw new WireFormatException("topic '" + topic + "' is not a device events topic ({deviceId}/events)");
        }
        String device = topic.substring(0, topic.length() - EVENTS_SUFFIX.length());
        try {
            return DeviceEvent.checkDeviceId(device);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("topic '" + topic + "': " + e.getMessage());
        }
    }
}
